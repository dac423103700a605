/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// A route parses, makes one domain call and renders or redirects (README,
// "The layers"): a POST handler that grows past 20 lines is doing the
// domain's work, where a rule written twice drifts apart. This reads the
// routes as text (Vite's ?raw glob) and measures every `.post(` call,
// middleware included, from its first line to the parenthesis that closes it.

const routes = import.meta.glob<string>(['../src/routes/*.ts', '../src/routes/*.tsx'], { query: '?raw', import: 'default', eager: true })
const MAX_LINES = 20

/** Each `.post(` call in a source text, with the line it starts on and its length in lines. */
function postHandlers(text: string) {
  const lines = text.split('\n')
  const found: { line: number; length: number }[] = []
  lines.forEach((first, start) => {
    if (!/\.post\(/.test(first)) return
    let depth = 0
    for (let end = start; end < lines.length; end++) {
      // Parentheses inside strings are rare in routes; a miscount makes a call look longer, never shorter.
      depth += (lines[end]!.match(/\(/g) ?? []).length - (lines[end]!.match(/\)/g) ?? []).length
      if (depth <= 0) return void found.push({ line: start + 1, length: end - start + 1 })
    }
    found.push({ line: start + 1, length: lines.length - start })
  })
  return found
}

describe('thin route handlers', () => {
  it(`every POST handler in src/routes is at most ${MAX_LINES} lines`, () => {
    const handlers = Object.entries(routes).flatMap(([path, text]) => postHandlers(text).map((handler) => ({ path, ...handler })))
    expect(handlers.length).toBeGreaterThan(20)
    expect(handlers.filter((handler) => handler.length > MAX_LINES).map(({ path, line, length }) => `${path}:${line} is ${length} lines`)).toEqual([])
  })

  it('a handler that runs past the limit is measured to its closing parenthesis', () => {
    const long = ['app.post(', "  '/x',", '  async (c) => {', ...Array.from({ length: 20 }, () => '    step()'), '  },', ')'].join('\n')
    expect(postHandlers(long)).toEqual([{ line: 1, length: 25 }])
  })
})
