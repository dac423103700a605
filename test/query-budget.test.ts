import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { AccountsRpc } from '../src/apps/rpc'
import { app, askToChange, Browser, directRequest, observedD1, PASSWORD, requestReset, signedInUser, uniqueEmail } from './helpers'
import { addPasskey, SoftAuthenticator } from './helpers/webauthn'

/**
 * Counts D1 round trips: every prepare(...).first/all/run/raw and every
 * batch is one trip to the database, however many statements it carries —
 * on the binding or in the D1 session a request reads through.
 */
function countingDatabase() {
  const counter = { trips: 0 }
  return { db: observedD1({ trip: () => counter.trips++ }), counter }
}

/** One request through the app with a D1 binding that counts, as a browser holding `cookie`. */
async function tripsFor(path: string, init: { method?: string; form?: Record<string, string>; cookie?: string } = {}) {
  const { db, counter } = countingDatabase()
  const ctx = createExecutionContext()
  const response = await app.fetch(directRequest(path, init), { ...env, DB: db }, ctx)
  const status = response.status
  await response.arrayBuffer()
  const before = counter.trips
  await waitOnExecutionContext(ctx) // mail work after the response is not the page's cost
  return { status, trips: before }
}

describe('D1 round trips per request (the performance budgets)', () => {
  it('anonymous pages touch no database', async () => {
    for (const path of ['/login', '/signup', '/password/forgot', '/login/email']) {
      expect(await tripsFor(path), path).toEqual({ status: 200, trips: 0 })
    }
  })

  it('the inline password check touches no database', async () => {
    const result = await tripsFor('/validate/password', { form: { password: 'faro-del-sur-12', password_confirmation: 'faro-del-sur-1' } })
    expect(result).toEqual({ status: 200, trips: 0 })
  })

  it('the signed-in profile is one round trip: session, user, sessions and activity together', async () => {
    const { browser } = await signedInUser()
    const cookie = `__Host-session=${browser.cookie('__Host-session')}`
    await tripsFor('/profile', { cookie }) // the first view may refresh "last seen"
    expect(await tripsFor('/profile', { cookie })).toEqual({ status: 200, trips: 1 })
  })

  it('a right password sign-in is two round trips: the reads before the hash, the writes after', async () => {
    const { email } = await signedInUser()
    expect(await tripsFor('/login', { form: { email, password: PASSWORD } })).toEqual({ status: 303, trips: 2 })
  })

  it('signing in over an existing session still takes two round trips (the old one ends in the same batch)', async () => {
    const { browser, email } = await signedInUser()
    const cookie = `__Host-session=${browser.cookie('__Host-session')}`
    expect(await tripsFor('/login', { form: { email, password: PASSWORD }, cookie })).toEqual({ status: 303, trips: 2 })
    expect((await new Browser().get('/profile', { Cookie: cookie })).status).toBe(303)
  })
})

describe('D1 round trips of a reset', () => {
  /** A person with two passkeys, and the reset cookie of a browser that opened her link. */
  async function openedReset() {
    const { browser, email } = await signedInUser()
    await addPasskey(browser, await SoftAuthenticator.create())
    await addPasskey(browser, await SoftAuthenticator.create())
    const laptop = new Browser()
    await laptop.get(await requestReset(email, laptop))
    return `__Host-password_reset=${laptop.cookie('__Host-password_reset')}`
  }

  it('the reset page is one round trip: the link, its owner and her passkeys together', async () => {
    expect(await tripsFor('/password/reset', { cookie: await openedReset() })).toEqual({ status: 200, trips: 1 })
  })

  it('the reset is two round trips: the owner and passkeys before the hash, then one batch that evicts and signs in', async () => {
    const password = 'faro-del-sur-2026'
    expect(await tripsFor('/password/reset', { form: { password, password_confirmation: password }, cookie: await openedReset() })).toEqual({ status: 303, trips: 2 })
  })
})

describe('D1 round trips for the apps (the hottest path once apps ask on every request)', () => {
  it('GET /api/session is one round trip and writes nothing on an ordinary call', async () => {
    const { browser } = await signedInUser()
    const cookie = `__Host-session=${browser.cookie('__Host-session')}`
    await tripsFor('/api/session', { cookie }) // the first call may refresh "last seen"
    expect(await tripsFor('/api/session', { cookie })).toEqual({ status: 200, trips: 1 })
    expect(await tripsFor('/api/session')).toEqual({ status: 401, trips: 0 }) // no cookie: no query at all
  })

  it('the RPC session() is one round trip too', async () => {
    const { browser } = await signedInUser()
    const cookie = `__Host-session=${browser.cookie('__Host-session')}`
    const { db, counter } = countingDatabase()
    const rpc = new AccountsRpc(createExecutionContext(), { ...env, DB: db })
    await rpc.session(cookie) // may refresh "last seen"
    const before = counter.trips
    expect(await rpc.session(cookie)).not.toBeNull()
    expect(counter.trips - before).toBe(1)
    const garbage = counter.trips
    expect(await rpc.session('__Host-session=nope')).toBeNull()
    expect(counter.trips - garbage).toBe(0) // a malformed cookie is refused before any query
  })
})

describe('D1 round trips of an address change', () => {
  it('asking is two round trips: the session, then one batch with the change, both links, both mails and the counters', async () => {
    const { browser } = await signedInUser()
    const cookie = `__Host-session=${browser.cookie('__Host-session')}`
    expect(await tripsFor('/profile/email', { form: { email: uniqueEmail('nueva') }, cookie })).toEqual({ status: 200, trips: 2 })
  })

  it('each mailed link is one round trip to show and two to use: the link, then one batch', async () => {
    const { browser, email } = await signedInUser()
    const { confirm, undo } = await askToChange(browser, email, uniqueEmail('nueva'))
    expect(await tripsFor(confirm!)).toEqual({ status: 200, trips: 1 })
    expect(await tripsFor(confirm!, { form: {} })).toEqual({ status: 200, trips: 2 })
    expect(await tripsFor(undo!)).toEqual({ status: 200, trips: 1 })
    expect(await tripsFor(undo!, { form: {} })).toEqual({ status: 200, trips: 2 })
  })
})
