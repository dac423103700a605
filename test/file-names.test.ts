/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// One name per file (issue 18, STYLE.md 12): two files called tokens.ts in
// src/ read as one concept in an editor's tab, a stack trace or a review, and
// a reader opens the wrong one. A folder's index.ts is the exception: it is
// imported, and named, by its folder (`from '../clock'`).

const files = Object.keys(
  import.meta.glob(['../src/**/*.ts', '../src/**/*.tsx', '../views/**/*.ts', '../views/**/*.tsx'], { query: '?raw', import: 'default', eager: true }),
)

function sharedNames() {
  const byName = new Map<string, string[]>()
  for (const path of files) {
    const name = path.slice(path.lastIndexOf('/') + 1)
    if (name === 'index.ts' || name === 'index.tsx') continue
    byName.set(name, [...(byName.get(name) ?? []), path.replace('../', '')])
  }
  return [...byName.values()].filter((paths) => paths.length > 1)
}

describe('file names in src/ and views/', () => {
  it('reads the files it checks (the glob found modules in both folders)', () => {
    expect(files).toContain('../src/auth/one-time-tokens.ts')
    expect(files).toContain('../views/layout.tsx')
    expect(files.length).toBeGreaterThan(80)
  })

  it('gives no two files one name', () => {
    expect(sharedNames()).toEqual([])
  })
})
