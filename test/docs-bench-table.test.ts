import { describe, expect, it } from 'vitest'
import results from './bench/results.json'
import { END, renderTable, START } from './bench/table.mjs'

// docs/performance.md's bench table is written by test/bench/report.mjs
// from test/bench/results.json; this holds the two together, so a figure in
// the docs is never typed, nor left behind by a newer run.
const [doc] = Object.values(import.meta.glob<string>('../docs/performance.md', { query: '?raw', import: 'default', eager: true }))

describe('the bench table in docs/performance.md', () => {
  it('is exactly what test/bench/report.mjs makes of test/bench/results.json', () => {
    const between = doc!.split(START)[1]?.split(END)[0]
    expect(between, 'the markers are in docs/performance.md').toBeDefined()
    expect(between!.trim()).toBe(renderTable(results).trim())
  })
})
