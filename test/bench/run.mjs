#!/usr/bin/env node
// npm run bench: the app's routes measured against the runtime's own floor.
//
// Starts, on free loopback ports, a Postmark-compatible sink, the app under
// `wrangler dev` (fresh local D1, one seeded account) and the floor worker
// (test/bench/floor: a Hono "hello", one D1 point read, one PBKDF2 derivation
// with the app's parameters), both with --log-level warn. Each row runs the
// floor route and then the app route with autocannon (same connections and
// duration, warm-up first), and reports the app as a ratio of its floor.
// Requests come from many client addresses (CF-Connecting-IP) and each
// connection keeps its cookies like a browser. Any answer other than 2xx/3xx
// makes the row invalid. Writes test/bench/results.json (git-ignored).
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { freePort, runToEnd, startGroup, waitFor } from '../support/processes.mjs'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8)
const DURATION = Number(process.env.BENCH_SECONDS ?? 5)
const WARMUP = 2
const PASSWORD = 'faro-del-sur-12'
const BUDGET = 0.85
/** The apps' "who is this?" is the most-called code once apps ask on every request: a stricter budget. */
const APPS_BUDGET = 0.9

const wrangler = join('node_modules', '.bin', 'wrangler')
const registry = mkdtempSync(join(tmpdir(), 'bench-registry-'))
// A dev registry of this run's own: the example CRM binds to this run's app.
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', WRANGLER_REGISTRY_PATH: registry }
const stops = []
const dirs = []

const start = (command, stdout = 'ignore') => stops.push(startGroup(command, env, stdout))
const run = (command) => runToEnd(command, env)

function stopAll() {
  for (const stop of stops) stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', stopAll)
process.on('SIGINT', () => process.exit(130))

// Per-IP limits key on the IPv6 /64: each request comes from its own /64, as from many visitors.
const randomIp = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`

// ---- start everything -------------------------------------------------------
const [sinkPort, appPort, floorPort, appInspector, floorInspector, crmPort, crmInspector] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()]
const appState = mkdtempSync(join(tmpdir(), 'bench-app-'))
const floorState = mkdtempSync(join(tmpdir(), 'bench-floor-'))
dirs.push(appState, floorState, registry)
const app = `http://localhost:${appPort}`
const floor = `http://localhost:${floorPort}`
const sink = `http://127.0.0.1:${sinkPort}`
const crm = `http://localhost:${crmPort}`

start(['node', 'test/support/postmark-sink.mjs', String(sinkPort)])
await run([wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', appState])
const floorConfig = ['-c', 'test/bench/floor/wrangler.toml']
await run([wrangler, 'd1', 'execute', 'DB', '--local', '--persist-to', floorState, ...floorConfig,
  '--command', "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO items VALUES (1, 'uno'), (2, 'dos');"])
// Two wrangler devs at once: each needs its own inspector port.
start([wrangler, 'dev', '--port', String(appPort), '--inspector-port', String(appInspector), '--persist-to', appState, '--log-level', 'warn',
  '--var', `APP_URL:${app}`, '--var', 'POSTMARK_SERVER_TOKEN:bench', '--var', 'SECRET_KEY:bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz', '--var', `POSTMARK_API_URL:${sink}`], 'inherit')
start([wrangler, 'dev', ...floorConfig, '--port', String(floorPort), '--inspector-port', String(floorInspector), '--persist-to', floorState, '--log-level', 'warn'], 'inherit')
// examples/crm: the RPC row measures session() the way an app calls it.
start([wrangler, 'dev', '--config', 'examples/crm/wrangler.toml', '--port', String(crmPort), '--inspector-port', String(crmInspector), '--log-level', 'warn',
  '--var', `ACCOUNTS_URL:${app}`], 'inherit')
await Promise.all([waitFor(`${app}/login`, 90_000), waitFor(`${floor}/hello`, 90_000), waitFor(`${sink}/messages`, 10_000), waitFor(`${crm}/`, 90_000, { redirects: 'manual' })])

// ---- seed one account, and a signed-in browser per connection ----------------
function cookiesFrom(response, jar = {}) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
    if (value && !/max-age=0/i.test(line)) jar[name] = value
    else delete jar[name]
  }
  return jar
}
const cookieHeader = (jar) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ')

async function post(path, form, jar = {}) {
  const response = await fetch(`${app}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: app, 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': randomIp(), Cookie: cookieHeader(jar) },
    body: new URLSearchParams(form),
  })
  cookiesFrom(response, jar)
  return response
}

const email = `bench-${randomUUID().slice(0, 8)}@example.com`
// Signed up and confirmed in one browser: the sign-up password is kept only there.
const firstBrowser = {}
await post('/signup', { name: 'Banco de Pruebas', email, password: PASSWORD, password_confirmation: PASSWORD }, firstBrowser)
let verification
for (let i = 0; i < 50 && !verification; i++) {
  const mails = await (await fetch(`${sink}/messages`)).json()
  verification = mails.find((m) => m.To === email && m.Tag === 'email-verification')
  if (!verification) await new Promise((resolve) => setTimeout(resolve, 100))
}
const verifyPath = verification.TextBody.match(/\/email\/verify\/\S+/)[0]
await post(verifyPath, {}, firstBrowser)
// One browser per connection, each signed in with its own session; they all
// share the first browser's device cookie, so no "new device" mail per login.
const browsers = []
for (let i = 0; i < CONNECTIONS; i++) {
  const jar = { '__Host-device': firstBrowser['__Host-device'] }
  const response = await post('/login', { email, password: PASSWORD }, jar)
  if (response.status !== 303) throw new Error(`seeding sign-in answered ${response.status}`)
  browsers.push(jar)
}

// ---- transfer budget ---------------------------------------------------------
const loginResponse = await fetch(`${app}/login`)
const loginHtml = await loginResponse.text()
const assetPaths = [...loginHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1])
const assets = await Promise.all(assetPaths.map(async (path) => {
  const response = await fetch(`${app}${path}`)
  return { path, cacheControl: response.headers.get('cache-control'), gzip: gzipSync(Buffer.from(await response.arrayBuffer())).length }
}))
const htmlGzip = gzipSync(Buffer.from(loginHtml)).length
const transfer = {
  htmlBytes: htmlGzip,
  totalBytes: htmlGzip + assets.reduce((sum, asset) => sum + asset.gzip, 0),
  assets,
  repeatVisitFetchesOnlyHtml: assets.every((asset) => asset.cacheControl === 'public, max-age=31536000, immutable'),
}

// ---- the measurements ----------------------------------------------------------
const validation = new URLSearchParams({ password: PASSWORD, password_confirmation: `${PASSWORD}x` }).toString()
const login = new URLSearchParams({ email, password: PASSWORD }).toString()
const rows = [
  { route: 'GET /login', floor: 'hello', path: '/login' },
  { route: 'GET /password/forgot', floor: 'hello', path: '/password/forgot' },
  { route: 'POST /validate/password', floor: 'hello', path: '/validate/password', method: 'POST', body: validation },
  { route: 'GET /profile (signed in)', floor: 'd1', path: '/profile', signedIn: true },
  { route: 'GET /api/session (signed in)', floor: 'd1', path: '/api/session', signedIn: true, budget: APPS_BUDGET },
  { route: 'RPC session() via examples/crm', floor: 'd1', base: crm, path: '/', signedIn: true, budget: APPS_BUDGET },
  // Last: signing in again ends the session each seeded browser held.
  { route: 'POST /login (right password)', floor: 'pbkdf2', path: '/login', method: 'POST', body: login, signedIn: true },
]

let browserIndex = 0
/** Each connection is one browser: its own cookie jar, a new client address per request. */
function setupBrowser(base, signedIn) {
  return (client) => {
    const jar = signedIn ? { ...browsers[browserIndex++ % browsers.length] } : {}
    const headers = () => ({ ...base, 'cf-connecting-ip': randomIp(), ...(Object.keys(jar).length && { cookie: cookieHeader(jar) }) })
    client.setHeaders(headers())
    client.on('headers', ({ headers: raw }) => {
      for (let i = 0; i < raw.length; i += 2) {
        if (String(raw[i]).toLowerCase() !== 'set-cookie') continue
        const [pair] = String(raw[i + 1]).split(';')
        const name = pair.slice(0, pair.indexOf('='))
        const value = pair.slice(pair.indexOf('=') + 1)
        if (value) jar[name] = value
        else delete jar[name]
      }
    })
    client.on('response', () => client.setHeaders(headers()))
  }
}

async function measure(url, options = {}) {
  const base = { ...(options.body && { 'content-type': 'application/x-www-form-urlencoded', origin: app }) }
  const common = { url, method: options.method ?? 'GET', body: options.body, connections: CONNECTIONS, setupClient: setupBrowser(base, options.signedIn) }
  await autocannon({ ...common, duration: WARMUP })
  browserIndex = 0
  const result = await autocannon({ ...common, duration: DURATION })
  const bad = result['4xx'] + result['5xx'] + result.errors + result.timeouts
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, bad }
}

const floors = { hello: `${floor}/hello`, d1: `${floor}/d1`, pbkdf2: `${floor}/pbkdf2` }
const results = []
for (const row of rows) {
  // Interleaved: the floor right before its app route, so drift hits both.
  const floorResult = await measure(floors[row.floor])
  const appResult = await measure(`${row.base ?? app}${row.path}`, row)
  const valid = floorResult.bad === 0 && appResult.bad === 0
  results.push({ ...row, body: undefined, app: appResult, floorResult, ratio: appResult.rps / floorResult.rps, valid })
  process.stderr.write(`measured ${row.route}\n`)
}

// ---- report --------------------------------------------------------------------
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
const pad = (text, width) => String(text).padEnd(width)
const lines = [
  `Machine: ${machine}; ${CONNECTIONS} connections, ${DURATION} s per route after ${WARMUP} s warm-up`,
  '',
  `| ${pad('route', 30)} | ${pad('req/s', 7)} | ${pad('p50 ms', 6)} | ${pad('p99 ms', 6)} | ${pad('floor', 6)} | ${pad('floor req/s', 11)} | ${pad('ratio', 5)} | budget |`,
  `|${'-'.repeat(32)}|${'-'.repeat(9)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(8)}|${'-'.repeat(13)}|${'-'.repeat(7)}|--------|`,
  ...results.map((r) => `| ${pad(r.route, 30)} | ${pad(r.app.rps.toFixed(0), 7)} | ${pad(r.app.p50, 6)} | ${pad(r.app.p99, 6)} | ${pad(r.floor, 6)} | ${pad(r.floorResult.rps.toFixed(0), 11)} | ${pad(r.ratio.toFixed(2), 5)} | ${!r.valid ? 'INVALID (non-2xx/3xx answers)' : r.ratio >= (r.budget ?? BUDGET) ? `ok ≥ ${r.budget ?? BUDGET}` : `MISS < ${r.budget ?? BUDGET}`} |`),
  '',
  `First visit to /login: ${(transfer.totalBytes / 1024).toFixed(1)} KB compressed in all (budget 25 KB), HTML ${(transfer.htmlBytes / 1024).toFixed(1)} KB (budget 8 KB); repeat visit fetches only the HTML: ${transfer.repeatVisitFetchesOnlyHtml ? 'yes' : 'NO'}`,
]
console.log(lines.join('\n'))
writeFileSync('test/bench/results.json', JSON.stringify({ at: new Date().toISOString(), machine, connections: CONNECTIONS, duration: DURATION, results, transfer }, null, 2))
process.exit(0)
