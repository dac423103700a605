/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// Every claim in README.md and docs/ names the test that holds it, as
// `file.test.ts` › "test name …". A test renamed or moved without its
// citation would leave a claim held by nothing; this fails when a quoted
// file or name no longer exists. Quoted names may elide with "…": each
// piece between ellipses must appear in the file.

const docs = import.meta.glob<string>(['../README.md', '../docs/*.md'], { query: '?raw', import: 'default', eager: true })
const tests = import.meta.glob<string>(['./**/*.test.ts', './**/*.e2e.ts'], { query: '?raw', import: 'default', eager: true })

const squash = (text: string) => text.replace(/\s+/g, ' ')
const testFile = (name: string) => Object.keys(tests).find((path) => path.endsWith(`/${name}`))

/** Every `file` › "name", "name" citation in one document. */
function citations(text: string) {
  const found: { file: string; names: string[] }[] = []
  const cited = /`(?:test\/)?(?:e2e\/)?([\w.-]+\.(?:test|e2e)\.ts)`(\s*›\s*((?:"(?:[^"\\]|\\.)*"(?:\s*\([^)]*\))?\s*,?\s*(?:and\s+)?)+))?/g
  for (const match of squash(text).matchAll(cited)) {
    const names = [...(match[3] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((name) => name[1]!.replaceAll('\\"', '"'))
    found.push({ file: match[1]!, names })
  }
  return found
}

/** The citations of one document that name a file or a test that does not exist. */
function missingIn(doc: string, text: string) {
  const problems: string[] = []
  for (const { file, names } of citations(text)) {
    const path = testFile(file)
    if (!path) {
      problems.push(`${doc}: no test file ${file}`)
      continue
    }
    const source = squash(tests[path]!)
    for (const name of names) {
      for (const piece of name.split('…').map((part) => part.trim().replace(/^[ .]+|[ .]+$/g, '')).filter(Boolean)) {
        const spellings = [piece, piece.replaceAll('"', '\\"'), piece.replaceAll("'", "\\'")]
        if (!spellings.some((spelling) => source.includes(spelling))) problems.push(`${doc}: ${file} has no test "${piece.slice(0, 100)}"`)
      }
    }
  }
  return problems
}

describe('the docs name tests that exist', () => {
  it('every test file and test name quoted in README.md and docs/ is in test/', () => {
    expect(Object.keys(docs).length).toBeGreaterThan(1)
    expect(Object.entries(docs).flatMap(([doc, text]) => missingIn(doc, text))).toEqual([])
  })

  it('a citation of a test nobody wrote, or of a file that is gone, is reported', () => {
    const text = 'held by `login.test.ts` › "a test nobody wrote …", and by `gone.test.ts` › "anything"'
    expect(missingIn('fake.md', text)).toEqual(['fake.md: login.test.ts has no test "a test nobody wrote"', 'fake.md: no test file gone.test.ts'])
  })
})
