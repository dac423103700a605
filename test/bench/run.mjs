#!/usr/bin/env node
// npm run bench: each of the app's routes against its floor, the same
// platform work with no app around it (test/bench/floor/index.ts says what
// each floor does).
//
// Starts, on free loopback ports, a Postmark-compatible sink, the app under
// `wrangler dev` (fresh local D1, one seeded account), the floor worker and
// the example CRM, all with --log-level warn. The floors answer with the
// app's own bytes: the bench fetches each app answer once and stores it in
// the floor first. Every row runs BENCH_ROUNDS times (2 unless set), its
// floor right before the app route each time, with autocannon (same
// connections and duration, warm-up first); requests come from many client
// addresses (CF-Connecting-IP) and each connection keeps its cookies like a
// browser. Each row reports throughput as a ratio of its floor's and CPU per
// request (user + system time of every process in the `wrangler dev`
// process group that served it, read from /proc before and after, divided
// by the requests answered) as a ratio of its floor's. Any answer other
// than 2xx/3xx makes a row invalid, and so does a redirect anywhere but the sign-in. Writes test/bench/results.json, and the
// table in docs/performance.md from it (test/bench/report.mjs).
import autocannon from 'autocannon'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { freePort, runToEnd, startGroup, waitFor } from '../support/processes.mjs'
import { printLatencyModel } from './latency-model.mjs'
import { writeDocsTable } from './report.mjs'

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8)
const DURATION = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const WARMUP = 2
const PASSWORD = 'faro-del-sur-12'
/** Issue 20: every route within 5% of its floor's throughput and 15% of its CPU per request; a sign-in 10% and 20%. */
const BUDGET = { throughput: 0.95, cpu: 1.15 }
const SIGN_IN_BUDGET = { throughput: 0.9, cpu: 1.2 }

const wrangler = join('node_modules', '.bin', 'wrangler')
const registry = mkdtempSync(join(tmpdir(), 'bench-registry-'))
// A dev registry of this run's own: the example CRM binds to this run's app.
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', WRANGLER_REGISTRY_PATH: registry }
const stops = []
const dirs = []

/** Starts a process group; returns its id (the CPU column sums every process in it). */
function start(command, stdout = 'ignore') {
  const stop = startGroup(command, env, stdout)
  stops.push(stop)
  return stop.pgid
}
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
  '--command', [
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO items VALUES (1, 'uno'), (2, 'dos');",
    'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, salt TEXT NOT NULL, hash TEXT NOT NULL);',
    'CREATE TABLE attempts (key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at INTEGER NOT NULL);',
    'CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, expires_at INTEGER NOT NULL);',
  ].join(' ')])
// Two wrangler devs at once: each needs its own inspector port.
const appGroup = start([wrangler, 'dev', '--port', String(appPort), '--inspector-port', String(appInspector), '--persist-to', appState, '--log-level', 'warn',
  '--var', `APP_URL:${app}`, '--var', 'POSTMARK_SERVER_TOKEN:bench', '--var', 'SECRET_KEY:bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz', '--var', `POSTMARK_API_URL:${sink}`], 'inherit')
const floorGroup = start([wrangler, 'dev', ...floorConfig, '--port', String(floorPort), '--inspector-port', String(floorInspector), '--persist-to', floorState, '--log-level', 'warn'], 'inherit')
// examples/crm: the RPC row measures session() the way an app calls it.
const crmGroup = start([wrangler, 'dev', '--config', 'examples/crm/wrangler.toml', '--port', String(crmPort), '--inspector-port', String(crmInspector), '--log-level', 'warn',
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
/** Signs every connection's browser in afresh: the sign-in row of a round ends the sessions they held. */
async function signInBrowsers() {
  browsers.length = 0
  for (let i = 0; i < CONNECTIONS; i++) {
    const jar = { '__Host-device': firstBrowser['__Host-device'] }
    const response = await post('/login', { email, password: PASSWORD }, jar)
    if (response.status !== 303) throw new Error(`seeding sign-in answered ${response.status}`)
    browsers.push(jar)
  }
}
await signInBrowsers()

// ---- the floors' answers: the app's own bytes -----------------------------------
const validation = new URLSearchParams({ password: PASSWORD, password_confirmation: `${PASSWORD}x` }).toString()
const login = new URLSearchParams({ email, password: PASSWORD }).toString()
await fetch(`${floor}/setup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) })

/** Headers a server sets per answer, not part of "the same bytes and headers". */
const PER_ANSWER = new Set(['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie', 'x-request-id'])

/** Fetches the app's answer for a row once (as the row's first browser) and stores it in the floor under `name`. */
async function storeAnswer(name, url, options = {}) {
  const jar = options.signedIn ? { ...browsers[0] } : {}
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    redirect: 'manual',
    body: options.body,
    headers: { 'CF-Connecting-IP': randomIp(), ...(options.body && { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app }), ...(options.signedIn && { Cookie: cookieHeader(jar) }) },
  })
  const body = await response.text()
  if (response.status >= 400) throw new Error(`${url} answered ${response.status}: the floor would store an error page`)
  const headers = [...response.headers].filter(([key]) => !PER_ANSWER.has(key.toLowerCase()))
  await fetch(`${floor}/answers/${name}`, { method: 'PUT', body: JSON.stringify({ status: response.status, headers, body }) })
  return { bytes: Buffer.byteLength(body) }
}

// ---- the rows ---------------------------------------------------------------------
const rows = [
  { route: 'GET /login', floor: 'the same bytes and headers from memory', path: '/login', floorPath: '/answers/login' },
  { route: 'GET /signup', floor: 'the same bytes and headers from memory', path: '/signup', floorPath: '/answers/signup' },
  { route: 'GET /password/forgot', floor: 'the same bytes and headers from memory', path: '/password/forgot', floorPath: '/answers/forgot' },
  { route: 'POST /validate/password', floor: 'the same form check, the same fragment', path: '/validate/password', method: 'POST', body: validation, floorPath: '/check/validate', floorMethod: 'POST' },
  { route: 'GET /profile (signed in)', floor: 'one D1 read + the same bytes', path: '/profile', signedIn: true, floorPath: '/d1/answers/profile' },
  { route: 'GET /security (signed in)', floor: 'one D1 read + the same bytes', path: '/security', signedIn: true, floorPath: '/d1/answers/security' },
  { route: 'GET /api/session (signed in)', floor: 'one D1 read + the same JSON', path: '/api/session', signedIn: true, floorPath: '/d1/answers/session' },
  { route: 'RPC session() via examples/crm', floor: 'one D1 read + the same page', base: crm, path: '/', signedIn: true, floorPath: '/d1/answers/crm', groups: [crmGroup, appGroup] },
  // Last: signing in again ends the session each seeded browser held.
  { route: 'POST /login (right password)', floor: 'limit + counter and account read + PBKDF2 + session insert and counter back', path: '/login', method: 'POST', body: login, signedIn: true, redirects: true, floorPath: '/login', floorMethod: 'POST', budget: SIGN_IN_BUDGET },
]
for (const row of rows) {
  if (row.floorPath === '/login') continue // the floor signs in for real; nothing to store
  const name = row.floorPath.split('/').at(-1)
  row.bytes = (await storeAnswer(name, `${row.base ?? app}${row.path}`, row)).bytes
}

// ---- CPU time of a process group ---------------------------------------------------
const TICKS_PER_SECOND = 100 // getconf CLK_TCK on Linux

/** User + system CPU milliseconds used so far by every live process in the groups (/proc/<pid>/stat). */
function cpuMs(groups) {
  let ticks = 0
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // gone since the listing
    }
    // Fields after the command name (which may hold spaces), from field 3: state, ppid, pgrp, …, utime (14), stime (15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (!groups.includes(Number(fields[2]))) continue
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / TICKS_PER_SECOND
}

// ---- the measurements ----------------------------------------------------------
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

async function measure(url, options, groups) {
  const base = { ...(options.body && { 'content-type': 'application/x-www-form-urlencoded', origin: app }) }
  const common = { url, method: options.method ?? 'GET', body: options.body, connections: CONNECTIONS, setupClient: setupBrowser(base, options.signedIn) }
  await autocannon({ ...common, duration: WARMUP })
  browserIndex = 0
  const cpuBefore = cpuMs(groups)
  const result = await autocannon({ ...common, duration: DURATION })
  const cpu = cpuMs(groups) - cpuBefore
  // A page answered with a redirect (a session that ended, say) is not the page: only a sign-in may redirect.
  const bad = result['4xx'] + result['5xx'] + result.errors + result.timeouts + (options.redirects ? 0 : result['3xx'])
  // Which answers came back, by status: an invalid row says what it got.
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count]))
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, cpuMs: cpu, bad, statuses, errors: result.errors, timeouts: result.timeouts }
}

/** Rounds of one side of a row, added up: requests per second over all rounds, CPU per request over all requests. */
function combine(runs) {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0)
  const cpuMsTotal = runs.reduce((sum, run) => sum + run.cpuMs, 0)
  return {
    rps: runs.reduce((sum, run) => sum + run.rps, 0) / runs.length,
    p50: Math.max(...runs.map((run) => run.p50)),
    p99: Math.max(...runs.map((run) => run.p99)),
    requests,
    cpuMsPerRequest: requests ? cpuMsTotal / requests : NaN,
    bad: runs.reduce((sum, run) => sum + run.bad, 0),
    rounds: runs.map((run) => ({ rps: run.rps, cpuMsPerRequest: run.requests ? run.cpuMs / run.requests : NaN, statuses: run.statuses, errors: run.errors, timeouts: run.timeouts })),
  }
}

const runs = rows.map(() => ({ app: [], floor: [] }))
for (let round = 1; round <= ROUNDS; round++) {
  if (round > 1) await signInBrowsers()
  for (const [i, row] of rows.entries()) {
    // Interleaved: the floor right before its app route, so drift hits both.
    const floorOptions = { method: row.floorMethod, body: row.body, signedIn: false, redirects: row.redirects }
    runs[i].floor.push(await measure(`${floor}${row.floorPath}`, floorOptions, [floorGroup]))
    runs[i].app.push(await measure(`${row.base ?? app}${row.path}`, row, row.groups ?? [appGroup]))
    process.stderr.write(`round ${round}/${ROUNDS}: measured ${row.route}\n`)
  }
}
const results = rows.map((row, i) => {
  const appResult = combine(runs[i].app)
  const floorResult = combine(runs[i].floor)
  const budget = row.budget ?? BUDGET
  const ratio = appResult.rps / floorResult.rps
  const cpuRatio = appResult.cpuMsPerRequest / floorResult.cpuMsPerRequest
  const valid = appResult.bad === 0 && floorResult.bad === 0
  return { route: row.route, floor: row.floor, bytes: row.bytes ?? null, app: appResult, floorResult, ratio, cpuRatio, budget, valid, holds: valid && ratio >= budget.throughput && cpuRatio <= budget.cpu }
})

// ---- first-visit bytes (test/first-visit-bytes.test.ts holds the budgets) ------------
async function firstVisit(path, budgetKb) {
  const html = await (await fetch(`${app}${path}`)).text()
  const files = [...new Set([...html.matchAll(/<link rel="stylesheet" href="([^"]+)"|<script[^>]* src="([^"]+)"/g)].map((m) => m[1] ?? m[2]))]
  const sizes = await Promise.all(files.map(async (file) => gzipSync(Buffer.from(await (await fetch(`${app}${file}`)).arrayBuffer())).length))
  const total = gzipSync(Buffer.from(html)).length + sizes.reduce((sum, size) => sum + size, 0)
  return { path, totalBytes: total, budgetBytes: budgetKb * 1024, files }
}
const transfer = [await firstVisit('/login', 8), await firstVisit('/signup', 20)]

// ---- report --------------------------------------------------------------------
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
const report = { at: new Date().toISOString(), machine, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, rounds: ROUNDS, results, transfer }
writeFileSync('test/bench/results.json', `${JSON.stringify(report, null, 2)}\n`)
console.log(writeDocsTable(report))

// ---- the latency model: each route's D1 round trips from far away (test/bench/latency-model.mjs) ----
await printLatencyModel()
process.exit(0)
