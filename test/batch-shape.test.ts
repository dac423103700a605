/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// Every D1 batch in src/ is built with createBatch and read back by the
// handle each step returned (src/db/batch.ts, STYLE.md principle 9): a
// result read by position breaks silently when a step is added, and in the
// security-critical batches that is where a takeover hides. This reads the
// source as text (Vite's ?raw glob, which the Workers pool supports) and
// fails if a positional read or a bare db.batch comes back.

const sources = import.meta.glob<string>(['../src/**/*.ts', '../src/**/*.tsx'], { query: '?raw', import: 'default', eager: true })

/** What a positional or untyped read of a batch looks like, and why each is refused. */
const FORBIDDEN: [pattern: RegExp, why: string][] = [
  [/\.batch\(/, 'a D1 batch outside src/db/batch.ts (use createBatch, add, commit, of)'],
  [/\brunSteps\b/, 'runSteps (replaced by createBatch)'],
  [/\bresults\s*\[/, 'a batch result read by index'],
  [/\bresults\.(at|slice)\(/, 'a batch result read by position'],
  [/\b(firstCount|effectsAt|signInAt|effectResult)\b/, 'offset arithmetic over a batch'],
  [/\bbefore\.length\b/, 'offset arithmetic over a batch'],
  [/pageData\s+as\b/, 'page data cast by position (use pageDataOf)'],
  [/\.of\([^)]*\)\s+as\b/, 'a step result cast (done.of is typed by its query)'],
]

function violations() {
  const found: string[] = []
  for (const [path, text] of Object.entries(sources)) {
    if (path.endsWith('/src/db/batch.ts')) continue
    text.split('\n').forEach((line, index) => {
      for (const [pattern, why] of FORBIDDEN) if (pattern.test(line)) found.push(`${path.replace('../', '')}:${index + 1}: ${why}: ${line.trim()}`)
    })
  }
  return found
}

describe('the shape of batches in src/', () => {
  it('reads the source it checks (the glob found the modules that build batches)', () => {
    const paths = Object.keys(sources)
    expect(paths).toContain('../src/db/batch.ts')
    expect(paths).toContain('../src/auth/accounts.ts')
    expect(paths.length).toBeGreaterThan(50)
  })

  it('has no positional batch read, no result cast, and no db.batch outside src/db/batch.ts', () => {
    expect(violations()).toEqual([])
  })
})
