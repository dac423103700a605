/// <reference types="vite/client" />
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { AccountsRpc } from '../src/apps/rpc'
import performanceDocs from '../docs/performance.md?raw'
import { DOCS_END, DOCS_START, renderLatencyModel, type RouteTrips } from './bench/latency-model.mjs'
import table from './bench/round-trips.json'
import { app, Browser, directRequest, observedD1, PASSWORD, requestReset, signedInUser } from './helpers'

/**
 * The latency model (test/bench/latency-model.mjs) multiplies each route's
 * D1 round trips by the distance to the instance that answers them. Its
 * input, test/bench/round-trips.json, is measured here: every row is
 * requested through the front door with a D1 binding that counts round
 * trips and records how the request's D1 session started.
 */

type Measured = { status: number; trips: number; startsOn: 'primary' | 'nearest' | null }

/** A watched env: its round trips, and where the request's D1 session started (null when it sent no query). */
function watched() {
  const seen = { trips: 0, starts: [] as (string | undefined)[] }
  const bindings = { ...env, DB: observedD1({ trip: () => seen.trips++, session: (start) => seen.starts.push(start) }) }
  const result = (status: number): Measured => {
    const [start] = seen.starts
    return { status, trips: seen.trips, startsOn: seen.trips === 0 ? null : start === 'first-primary' ? 'primary' : 'nearest' }
  }
  return { bindings, result }
}

/** One request, counted until its body is read: mails sent after the response are not the time to its first byte. */
async function measure(path: string, init: { form?: Record<string, string>; cookie?: string } = {}): Promise<Measured> {
  const { bindings, result } = watched()
  const ctx = createExecutionContext()
  const response = await app.fetch(directRequest(path, init), bindings, ctx)
  await response.arrayBuffer()
  const measured = result(response.status)
  await waitOnExecutionContext(ctx)
  return measured
}

/** A signed-in browser's cookie, after one page view (the first may refresh "last seen": an ordinary view does not). */
async function signedInCookie() {
  const { browser, email } = await signedInUser()
  await browser.get('/profile')
  return { email, cookie: `__Host-session=${browser.cookie('__Host-session')}` }
}

/** How each row of the table is requested, and the status it answers with. */
const requests: Record<string, () => Promise<Measured>> = {
  'GET /login': () => measure('/login'),
  'POST /validate/password': () => measure('/validate/password', { form: { password: 'faro-del-sur-12', password_confirmation: 'faro-del-sur-1' } }),
  'GET /profile (signed in)': async () => measure('/profile', { cookie: (await signedInCookie()).cookie }),
  'GET /security (signed in)': async () => measure('/security', { cookie: (await signedInCookie()).cookie }),
  'GET /api/session': async () => measure('/api/session', { cookie: (await signedInCookie()).cookie }),
  'RPC session()': async () => {
    const { cookie } = await signedInCookie()
    const { bindings, result } = watched()
    const found = await new AccountsRpc(createExecutionContext(), bindings).session(cookie)
    return result(found ? 200 : 401)
  },
  'GET /password/reset/:token (mailed link)': async () => measure(await requestReset((await signedInUser()).email)),
  'POST /login (right password)': async () => measure('/login', { form: { email: (await signedInUser()).email, password: PASSWORD } }),
  'POST /profile (new name)': async () => measure('/profile', { form: { name: 'Rocío Andrade', password: '', password_confirmation: '' }, cookie: (await signedInCookie()).cookie }),
  'POST /password/reset': async () => {
    const laptop = new Browser()
    await laptop.get(await requestReset((await signedInUser()).email, laptop))
    const password = 'faro-del-sur-2026'
    return measure('/password/reset', { form: { password, password_confirmation: password }, cookie: `__Host-password_reset=${laptop.cookie('__Host-password_reset')}` })
  },
}

describe('the latency model\'s round trips are the app\'s (test/bench/round-trips.json)', () => {
  it('every route in the table is requested here, and only those', () => {
    expect(Object.keys(requests).sort()).toEqual(table.routes.map((row) => row.route).sort())
  })

  const rows = table.routes.map((row) => [row.route, row.trips === 0 ? 'no D1 round trip' : `${row.trips} D1 round trip${row.trips > 1 ? 's' : ''}, on the ${row.startsOn === 'primary' ? 'primary' : 'nearest replica'}`, row] as const)
  it.each(rows)('%s: %s', async (_route, _said, row) => {
    const measured = await requests[row.route]!()
    expect(measured.status).toBeLessThan(400)
    expect({ trips: measured.trips, startsOn: measured.startsOn }).toEqual({ trips: row.trips, startsOn: row.startsOn })
  })
})

describe('the latency model in the docs', () => {
  it('docs/performance.md holds the model as test/bench/latency-model.mjs renders it from the measured table (never typed by hand)', () => {
    const start = performanceDocs.indexOf(DOCS_START)
    const end = performanceDocs.indexOf(DOCS_END)
    expect(start).toBeGreaterThan(-1)
    expect(end).toBeGreaterThan(start)
    const inDocs = performanceDocs.slice(start + DOCS_START.length, end).trim()
    expect(inDocs).toBe(renderLatencyModel(table.routes as RouteTrips[]))
  })
})
