#!/usr/bin/env node
// The bench's table, made from test/bench/results.json and written into
// docs/performance.md between its markers: the figures there are never typed.
// `npm run bench` calls writeDocsTable after each run; `node test/bench/report.mjs`
// writes the table again from the results.json that is there.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const START = '<!-- bench:table:start (written by test/bench/report.mjs from test/bench/results.json; do not edit) -->'
export const END = '<!-- bench:table:end -->'
const DOC = fileURLToPath(new URL('../../docs/performance.md', import.meta.url))

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

/** The markdown for one bench report (the parsed results.json). */
export function renderTable(report) {
  const verdict = (r) => {
    if (!r.valid) return 'INVALID (non-2xx/3xx answers)'
    const misses = [r.ratio < r.budget.throughput && `throughput < ${r.budget.throughput}`, r.cpuRatio > r.budget.cpu && `CPU > ${r.budget.cpu}×`].filter(Boolean)
    return misses.length ? `**miss**: ${misses.join(', ')}` : `holds (≥ ${r.budget.throughput}, ≤ ${r.budget.cpu}×)`
  }
  return [
    `Run of ${report.at.slice(0, 16).replace('T', ' ')} UTC on ${report.machine}; ${report.connections} connections, ${report.rounds} rounds of ${report.duration} s per side after ${report.warmup} s warm-up, each floor right before its route.`,
    '',
    '| route | floor | req/s | floor req/s | throughput ratio | CPU ms/req | floor CPU ms/req | CPU ratio | p50 / p99 ms | budget |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map((r) =>
      `| ${r.route} | ${r.floor} | ${fixed(r.app.rps, 0)} | ${fixed(r.floorResult.rps, 0)} | ${fixed(r.ratio, 2)} | ${fixed(r.app.cpuMsPerRequest, 2)} | ${fixed(r.floorResult.cpuMsPerRequest, 2)} | ${fixed(r.cpuRatio, 2)}× | ${r.app.p50} / ${r.app.p99} | ${verdict(r)} |`),
    '',
    ...report.transfer.map((t) => `First visit to \`${t.path}\`: ${fixed(t.totalBytes / 1024, 1)} KB gzip, the page and ${t.files.length} file(s) it loads (budget ${t.budgetBytes / 1024} KB: ${t.totalBytes <= t.budgetBytes ? 'holds' : '**miss**'}).`),
  ].join('\n')
}

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
