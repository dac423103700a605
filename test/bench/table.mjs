// The bench's table as markdown, from a report (test/bench/results.json):
// plain JavaScript with no Node imports, so test/docs-bench-table.test.ts can
// run it in workerd and check docs/performance.md against results.json.
export const START = '<!-- bench:table:start (written by test/bench/report.mjs from test/bench/results.json; do not edit) -->'
export const END = '<!-- bench:table:end -->'

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

/** The app's figure over the floor's in each round, so the spread shows beside the total. */
const eachRound = (r, figure) => r.app.rounds.map((round, i) => fixed(round[figure] / r.floorResult.rounds[i][figure], 2)).join(', ')

/** The markdown for one bench report (the parsed results.json). */
export function renderTable(report) {
  const verdict = (r) => {
    if (!r.valid) return 'INVALID (an answer other than 2xx, or than 303 for the sign-in)'
    const misses = [r.ratio < r.budget.throughput && `throughput < ${r.budget.throughput}`, r.cpuRatio > r.budget.cpu && `CPU > ${r.budget.cpu}×`].filter(Boolean)
    return misses.length ? `**miss**: ${misses.join(', ')}` : `holds (≥ ${r.budget.throughput}, ≤ ${r.budget.cpu}×)`
  }
  return [
    `Run of ${report.at.slice(0, 16).replace('T', ' ')} UTC on ${report.machine}; ${report.connections} connections, ${report.rounds} rounds of ${report.duration} s per side after ${report.warmup} s warm-up, each floor right before its route.`,
    '',
    '| route | floor | req/s | floor req/s | throughput ratio (each round) | CPU ms/req | floor CPU ms/req | CPU ratio (each round) | p50 / p99 ms | budget |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.results.map((r) =>
      `| ${r.route} | ${r.floor} | ${fixed(r.app.rps, 0)} | ${fixed(r.floorResult.rps, 0)} | ${fixed(r.ratio, 2)} (${eachRound(r, 'rps')}) | ${fixed(r.app.cpuMsPerRequest, 2)} | ${fixed(r.floorResult.cpuMsPerRequest, 2)} | ${fixed(r.cpuRatio, 2)}× (${eachRound(r, 'cpuMsPerRequest')}) | ${r.app.p50} / ${r.app.p99} | ${verdict(r)} |`),
    '',
    ...report.transfer.map((t) => `First visit to \`${t.path}\`: ${fixed(t.totalBytes / 1024, 1)} KB gzip, the page and ${t.files.length} file(s) it loads (budget ${t.budgetBytes / 1024} KB: ${t.totalBytes <= t.budgetBytes ? 'holds' : '**miss**'}).`),
  ].join('\n')
}

