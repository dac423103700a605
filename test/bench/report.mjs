#!/usr/bin/env node
// The bench's table, made from test/bench/results.json and written into
// docs/performance.md between its markers: the figures there are never typed.
// `npm run bench` calls writeDocsTable after each run; `node test/bench/report.mjs`
// writes the table again from the results.json that is there.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { END, renderTable, START } from './table.mjs'

const DOC = fileURLToPath(new URL('../../docs/performance.md', import.meta.url))

/** Replaces what stands between the markers in docs/performance.md; returns the table. */
export function writeDocsTable(report) {
  const table = renderTable(report)
  const doc = readFileSync(DOC, 'utf8')
  const [before, rest] = doc.split(START)
  if (rest === undefined || !rest.includes(END)) throw new Error(`docs/performance.md has no ${START} … ${END}`)
  writeFileSync(DOC, `${before}${START}\n${table}\n${END}${rest.slice(rest.indexOf(END) + END.length)}`)
  return table
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = fileURLToPath(new URL('./results.json', import.meta.url))
  console.log(writeDocsTable(JSON.parse(readFileSync(results, 'utf8'))))
}
