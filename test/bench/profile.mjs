#!/usr/bin/env node
// node test/bench/profile.mjs: where the CPU of a sign-in and of "Seguridad"
// goes, sampled in workerd itself. Starts the app under `wrangler dev` with
// an inspector port (fresh local D1, one account, a Postmark sink), connects
// to it over the Chrome DevTools protocol, and prints each route's functions
// by self time. The bundle is minified (wrangler.toml): a name like
// `W index.js:238` is found by its line in the bundle wrangler dev serves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { freePort, runToEnd, startGroup, waitFor } from '../support/processes.mjs'
const wrangler = join('node_modules', '.bin', 'wrangler')
const registry = mkdtempSync(join(tmpdir(), 'prof-reg-'))
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', WRANGLER_REGISTRY_PATH: registry }
const [port, inspector, sinkPort] = [await freePort(), await freePort(), await freePort()]
const state = mkdtempSync(join(tmpdir(), 'prof-app-'))
const app = `http://localhost:${port}`
const sink = startGroup(['node', 'test/support/postmark-sink.mjs', String(sinkPort)], env, 'ignore')
await runToEnd([wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], env)
const stop = startGroup([wrangler, 'dev', '--port', String(port), '--inspector-port', String(inspector), '--persist-to', state, '--log-level', 'warn',
  '--var', `APP_URL:${app}`, '--var', 'POSTMARK_SERVER_TOKEN:bench', '--var', 'SECRET_KEY:bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz', '--var', `POSTMARK_API_URL:http://127.0.0.1:${sinkPort}`], env, 'ignore')
process.on('exit', () => {
  stop()
  sink()
  for (const dir of [registry, state]) rmSync(dir, { recursive: true, force: true })
})
await waitFor(`${app}/login`, 90_000)
const ip = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`
const jar = {}
const cookie = () => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ')
async function post(path, form) {
  const r = await fetch(`${app}${path}`, { method: 'POST', redirect: 'manual', headers: { Origin: app, 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': ip(), Cookie: cookie() }, body: new URLSearchParams(form) })
  for (const line of r.headers.getSetCookie()) { const [pair] = line.split(';'); const i = pair.indexOf('='); if (pair.slice(i + 1) && !/max-age=0/i.test(line)) jar[pair.slice(0, i)] = pair.slice(i + 1) }
  return r
}
const email = `prof-${randomUUID().slice(0, 8)}@example.com`, password = 'faro-del-sur-12'
await post('/signup', { name: 'Perfil', email, password, password_confirmation: password })
let mail
for (let i = 0; i < 50 && !mail; i++) { mail = (await (await fetch(`http://127.0.0.1:${sinkPort}/messages`)).json()).find((m) => m.To === email); if (!mail) await new Promise((r) => setTimeout(r, 100)) }
await post(mail.TextBody.match(/\/email\/verify\/\S+/)[0], {})
const targets = await (await fetch(`http://127.0.0.1:${inspector}/json`)).json()
const target = targets.find((t) => t.webSocketDebuggerUrl)
// wrangler's inspector proxy accepts only DevTools' own origin.
const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'https://devtools.devprod.cloudflare.dev' } })
await new Promise((r, j) => { ws.addEventListener('open', r); ws.addEventListener('error', j) })
let id = 0; const pending = new Map()
ws.addEventListener('message', (e) => { const m = JSON.parse(e.data); if (pending.has(m.id)) { pending.get(m.id)(m.result); pending.delete(m.id) } })
const call = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })) })
async function profile(label, n, send) {
  await call('Profiler.enable'); await call('Profiler.setSamplingInterval', { interval: 100 }); await call('Profiler.start')
  for (let i = 0; i < n; i++) await send()
  const { profile } = await call('Profiler.stop')
  const self = new Map(); const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const counts = new Map(); for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1)
  let total = 0
  for (const [nid, c] of counts) { const n = byId.get(nid); const f = n.callFrame; const key = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`; self.set(key, (self.get(key) ?? 0) + c); total += c }
  console.log(`\n== ${label}: ${n} requests, ${total} samples (100 µs)`)
  for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String((100 * c / total).toFixed(1)).padStart(5), '%', k)
}
await profile('POST /login', 40, async () => { for (const k of Object.keys(jar)) if (k !== '__Host-device') delete jar[k]; await post('/login', { email, password }) })
await post('/login', { email, password })
await profile('GET /security', 200, async () => { await fetch(`${app}/security`, { headers: { Cookie: cookie(), 'CF-Connecting-IP': ip() } }).then((r) => r.text()) })
process.exit(0)
