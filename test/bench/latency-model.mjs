#!/usr/bin/env node
// The latency model: what a visitor far from the D1 primary waits before the
// first byte of each route, without read replication and with it.
//
//   node test/bench/latency-model.mjs          prints it
//   node test/bench/latency-model.mjs --docs   and writes it into docs/performance.md, between its markers
//
// `npm run bench` prints it last (printLatencyModel). Time to first byte, on
// a connection already open to Cloudflare, is modelled as
//
//   the visitor's round trip to the Cloudflare data center in their city
//   + for each D1 round trip of the route, the round trip from that data
//     center to the D1 instance that answers it.
//
// Each route's round trips, and whether the first goes to the primary or to
// the nearest replica, are test/bench/round-trips.json — measured in workerd
// by test/round-trips.test.ts, so the model cannot drift from the code. CPU
// time (a few ms; the bench's own columns) and D1's execution time (well
// under a millisecond for these point reads) are left out: they are the same
// before and after.
//
// This module imports nothing at its top, so workerd can load it too:
// test/round-trips.test.ts checks that docs/performance.md holds what it
// renders.

/** Where things are, as [latitude, longitude]. */
const PLACES = {
  Quito: [-0.1807, -78.4678],
  'São Paulo': [-23.5505, -46.6333],
  Madrid: [40.4168, -3.7038],
}

/**
 * D1's regions that can matter to these three cities (its location hints
 * are wnam, enam, weur, eeur, apac and oc; replicas are made one per region,
 * developers.cloudflare.com/d1/best-practices/read-replication/). Cloudflare
 * does not publish the sites: each is placed at a large interconnection hub
 * of its region, an assumption. There is no South American region.
 */
const D1_REGIONS = {
  enam: { name: 'ENAM', site: 'Ashburn, Virginia', at: [39.0438, -77.4874] },
  wnam: { name: 'WNAM', site: 'San José, California', at: [37.3382, -121.8863] },
  weur: { name: 'WEUR', site: 'London', at: [51.5072, -0.1276] },
}

/** The primary, as issue 20 places it: eastern North America. */
const PRIMARY = 'enam'

/**
 * Round-trip times are modelled from distance: light in fibre covers about
 * 200 km per ms, so a round trip takes at least great-circle km ÷ 100 ms,
 * times how much longer real routes are. That stretch is measured, not
 * guessed: the mean of measured ÷ least round trip over the transatlantic
 * pairs of WonderProxy's published ping table ("Miles per Millisecond",
 * wonderproxy.com/blog/miles-per-milisecond, 2011 — old figures; routes
 * have shortened since, so the model errs long). South American routes often
 * detour (Quito's traffic to the US goes through Miami): read the figures
 * as an order of magnitude, not a measurement.
 */
const MEASURED_PAIRS = [
  { between: 'Paris–New York', a: [48.8566, 2.3522], b: [40.7128, -74.006], ms: 77.31 },
  { between: 'Paris–Baltimore', a: [48.8566, 2.3522], b: [39.2904, -76.6122], ms: 97.75 },
  { between: 'Milan–New York', a: [45.4642, 9.19], b: [40.7128, -74.006], ms: 112.17 },
  { between: 'Milan–Baltimore', a: [45.4642, 9.19], b: [39.2904, -76.6122], ms: 104.84 },
]

/** The visitor's own round trip to the Cloudflare data center in their city (Quito, São Paulo and Madrid each have one): assumed, and the same before and after. */
const ACCESS_MS = 10

function kilometres([lat1, lon1], [lat2, lon2]) {
  const rad = Math.PI / 180
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2
  return 2 * 6371 * Math.asin(Math.sqrt(h))
}

const leastRoundTripMs = (a, b) => kilometres(a, b) / 100
const STRETCH = MEASURED_PAIRS.reduce((sum, pair) => sum + pair.ms / leastRoundTripMs(pair.a, pair.b), 0) / MEASURED_PAIRS.length
const roundTripMs = (a, b) => Math.round(leastRoundTripMs(a, b) * STRETCH)

/** For each city: its round trip to the primary, and to the nearest D1 region (where a replica, or the primary, answers). */
export function roundTripTable() {
  return Object.entries(PLACES).map(([city, at]) => {
    const [nearest] = Object.entries(D1_REGIONS)
      .map(([key, region]) => ({ key, region, ms: roundTripMs(at, region.at) }))
      .sort((x, y) => x.ms - y.ms)
    return { city, primaryMs: roundTripMs(at, D1_REGIONS[PRIMARY].at), nearest: nearest.region.name, nearestMs: nearest.ms }
  })
}

/** Each route's modelled time to first byte per city, before (every query on the primary) and after (page reads from the nearest replica). */
export function modelLatency(routes) {
  const cities = roundTripTable()
  return routes.map((route) => ({
    ...route,
    cities: cities.map((city) => ({
      city: city.city,
      beforeMs: ACCESS_MS + route.trips * city.primaryMs,
      afterMs: ACCESS_MS + route.trips * (route.startsOn === 'nearest' ? city.nearestMs : city.primaryMs),
    })),
  }))
}

/** The model as Markdown: the round-trip table, then each route's time to first byte. */
export function renderLatencyModel(routes) {
  const cities = roundTripTable()
  const where = { primary: 'primary', nearest: 'nearest replica' }
  const lines = [
    `Round trips from the Cloudflare data center in each city (modelled: great-circle distance ÷ 100 km/ms × ${STRETCH.toFixed(2)}; the visitor's own round trip to it: ${ACCESS_MS} ms, assumed):`,
    '',
    `| city | to the primary (${D1_REGIONS[PRIMARY].name}, ${D1_REGIONS[PRIMARY].site}) | nearest D1 region | to it |`,
    '|---|---|---|---|',
    ...cities.map((city) => `| ${city.city} | ${city.primaryMs} ms | ${city.nearest} | ${city.nearestMs} ms |`),
    '',
    'Modelled time to first byte, in ms: before read replication → after.',
    '',
    `| route | D1 round trips | ${cities.map((city) => city.city).join(' | ')} |`,
    `|---|---|${cities.map(() => '---').join('|')}|`,
    ...modelLatency(routes).map((route) => {
      const trips = route.trips === 0 ? 'none' : `${route.trips}, ${where[route.startsOn]}`
      const cells = route.cities.map((city) => (city.beforeMs === city.afterMs ? `${city.afterMs}` : `${city.beforeMs} → **${city.afterMs}**`))
      return `| ${route.route} | ${trips} | ${cells.join(' | ')} |`
    }),
  ]
  return lines.join('\n')
}

export const DOCS_START = '<!-- latency-model: generated by `node test/bench/latency-model.mjs --docs`; do not edit by hand -->'
export const DOCS_END = '<!-- latency-model: end -->'

/** Prints the model (what `npm run bench` shows last); returns the text. */
export async function printLatencyModel() {
  const text = renderLatencyModel(await readRoutes())
  console.log(`\nLatency model (docs/performance.md, "Read replicas"):\n\n${text}\n`)
  return text
}

async function readRoutes() {
  const { readFile } = await import('node:fs/promises')
  return JSON.parse(await readFile(new URL('./round-trips.json', import.meta.url), 'utf8')).routes
}

/** Writes the model into docs/performance.md, between DOCS_START and DOCS_END. */
async function writeDocs(text) {
  const { readFile, writeFile } = await import('node:fs/promises')
  const path = new URL('../../docs/performance.md', import.meta.url)
  const docs = await readFile(path, 'utf8')
  const start = docs.indexOf(DOCS_START)
  const end = docs.indexOf(DOCS_END)
  if (start === -1 || end < start) throw new Error(`docs/performance.md has no ${DOCS_START} … ${DOCS_END} section`)
  await writeFile(path, `${docs.slice(0, start + DOCS_START.length)}\n\n${text}\n\n${docs.slice(end)}`)
  console.log('docs/performance.md: latency model written')
}

const runDirectly = globalThis.process?.argv?.[1] && import.meta.url.endsWith(globalThis.process.argv[1].split('/').pop())
if (runDirectly) {
  const text = await printLatencyModel()
  if (process.argv.includes('--docs')) await writeDocs(text)
}
