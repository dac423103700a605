import { createExecutionContext, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { AccountsRpc } from '../src/apps/rpc'
import { Browser, observedD1, ORIGIN, PASSWORD, requestReset, signedInUser, uniqueEmail, visibleText } from './helpers'

/**
 * D1 read replication (src/middleware/database.ts). Local D1 is one
 * instance, so which replica answers cannot be seen here; what can is how
 * each request starts its D1 session — on the primary, or from the
 * bookmark the browser carries — and that the bookmark of a write goes
 * back to the browser and comes in again with its next request.
 */

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/

type Started = { start: string | undefined; session: D1DatabaseSession }

/** A Worker env whose D1 sessions are recorded as they start; `during` gives those a request started. */
function watchedEnv(overrides: Record<string, string> = {}) {
  const started: Started[] = []
  const bindings = { ...env, ...overrides, DB: observedD1({ session: (start, session) => started.push({ start, session }) }) }
  return {
    bindings,
    async during<T>(action: () => Promise<T>): Promise<{ result: T; sessions: Started[] }> {
      const from = started.length
      const result = await action()
      return { result, sessions: started.slice(from) }
    },
  }
}

/** An account, and a browser of its own signed in to it on a watched env (through POST /login, as a person does). */
async function signedInWatched(overrides: Record<string, string> = {}) {
  const { email } = await signedInUser()
  const watched = watchedEnv(overrides)
  const browser = new Browser(ORIGIN, watched.bindings)
  const signIn = await watched.during(() => browser.post('/login', { email, password: PASSWORD }))
  expect(signIn.result.status).toBe(303)
  return { email, browser, signIn, ...watched }
}

const bookmarkLine = (headers: Headers, name = '__Host-d1b') => headers.getSetCookie().find((line) => line.startsWith(`${name}=`))

describe('a person always reads their own writes', () => {
  it('a sign-in reads the primary and hands the browser the bookmark of what it wrote, in an HttpOnly, SameSite=Lax __Host- cookie', async () => {
    const { browser, signIn } = await signedInWatched()
    expect(signIn.sessions.map((s) => s.start)).toEqual(['first-primary'])
    const bookmark = browser.cookie('__Host-d1b')
    expect(bookmark).toMatch(BOOKMARK)
    expect(bookmark).toBe(signIn.sessions[0]!.session.getBookmark())
    const line = bookmarkLine(signIn.result.headers)!
    expect(line).toMatch(/; Path=\//)
    expect(line).toMatch(/; Secure/)
    expect(line).toMatch(/; HttpOnly/)
    expect(line).toMatch(/; SameSite=Lax/)
    expect(line).not.toMatch(/Domain=/i)
  })

  it('the next page reads from the nearest replica, starting at that bookmark, and sends none back', async () => {
    const { browser, during } = await signedInWatched()
    const bookmark = browser.cookie('__Host-d1b')!
    const { result: page, sessions } = await during(() => browser.get('/profile'))
    expect(page.status).toBe(200)
    expect(sessions.map((s) => s.start)).toEqual([bookmark])
    expect(bookmarkLine(page.headers)).toBeUndefined()
    expect(browser.cookie('__Host-d1b')).toBe(bookmark)
  })

  it('a change is on the same browser\'s next page: the change starts on the primary, its bookmark comes back with the next page', async () => {
    const { browser, during } = await signedInWatched()
    const before = browser.cookie('__Host-d1b')!
    const { result: saved, sessions: saving } = await during(() => browser.post('/profile', { name: 'Rocío Andrade', password: '', password_confirmation: '' }))
    expect(saved.status).toBe(303)
    // The browser carried a bookmark; a change starts on the primary all the same.
    expect(saving.map((s) => s.start)).toEqual(['first-primary'])
    const after = browser.cookie('__Host-d1b')!
    expect(after).toMatch(BOOKMARK)
    expect(after > before).toBe(true) // bookmarks sort oldest first
    const { result: page, sessions: reading } = await during(() => browser.get('/profile'))
    expect(reading.map((s) => s.start)).toEqual([after])
    expect(visibleText(page.text)).toContain('Rocío Andrade')
  })

  it('a browser without a bookmark reads from any replica', async () => {
    const { browser, during } = await signedInWatched()
    const { result: page, sessions } = await during(() => browser.get('/profile', { Cookie: `__Host-session=${browser.cookie('__Host-session')}` }))
    expect(page.status).toBe(200)
    expect(sessions.map((s) => s.start)).toEqual(['first-unconstrained'])
  })

  it('a bookmark cookie that is not a bookmark is ignored: the page answers, read from any replica', async () => {
    const { browser, during } = await signedInWatched()
    const session = `__Host-session=${browser.cookie('__Host-session')}`
    const bookmark = browser.cookie('__Host-d1b')!
    for (const forged of ['basura', 'x'.repeat(5000), `${bookmark}Z`, `${bookmark}-0`, `${bookmark.slice(0, -1)}g`, '%00', 'first-primary']) {
      const { result: page, sessions } = await during(() => browser.get('/profile', { Cookie: `${session}; __Host-d1b=${forged}` }))
      expect(page.status, forged).toBe(200)
      expect(sessions.map((s) => s.start), forged).toEqual(['first-unconstrained'])
    }
  })
})

describe('what decides security reads the primary', () => {
  it('every form starts on the primary, whatever bookmark the browser carries: a wrong password, a refused sign-up, a sign-out', async () => {
    const { browser, email, during } = await signedInWatched()
    expect(browser.cookie('__Host-d1b')).toMatch(BOOKMARK)
    for (const [path, form] of [
      ['/login', { email, password: 'no-es-la-clave' }],
      ['/signup', { name: 'Ana', email, password: 'corta', password_confirmation: 'corta' }],
      ['/password/forgot', { email: uniqueEmail() }],
      ['/logout', {}],
    ] as const) {
      const { sessions } = await during(() => browser.post(path, form))
      expect(sessions.map((s) => s.start), path).toEqual(['first-primary'])
    }
  })

  it('an anonymous form gets no bookmark, whether its address has an account or not: how far one moved would tell', async () => {
    const { email: known } = await signedInUser()
    const unknown = uniqueEmail('nadie')
    const stranger = new Browser()
    for (const email of [known, unknown]) {
      for (const [path, form] of [
        ['/password/forgot', { email }],
        ['/login/email', { email }],
        ['/login', { email, password: 'no-es-la-clave' }],
        ['/signup', { name: 'Ana Pérez', email, password: 'otra-clave-larga-7', password_confirmation: 'otra-clave-larga-7' }],
      ] as const) {
        const page = await stranger.post(path, form)
        expect(page.status, `${path} ${email}`).toBeLessThan(500)
        expect(bookmarkLine(page.headers), `${path} ${email}`).toBeUndefined()
      }
    }
    expect(stranger.cookie('__Host-d1b')).toBeUndefined()
    // Signed in, asking for someone else's reset: still no bookmark from that form.
    const { browser } = await signedInWatched()
    expect(bookmarkLine((await browser.post('/password/forgot', { email: known })).headers)).toBeUndefined()
  })

  it('the pages a mailed link opens read the primary: the link was made a moment ago, perhaps in another browser', async () => {
    const { email } = await signedInUser()
    const link = await requestReset(email)
    const { bindings, during } = watchedEnv()
    const phone = new Browser(ORIGIN, bindings)
    const opened = await during(() => phone.get(link))
    expect(opened.result.status).toBe(303)
    const form = await during(() => phone.get('/password/reset'))
    expect(form.result.status).toBe(200)
    expect([...opened.sessions, ...form.sessions].map((s) => s.start)).toEqual(['first-primary', 'first-primary'])
  })
})

describe('the apps\' session check reads with the bookmark the person\'s browser carries', () => {
  it('GET /api/session: from the bookmark in the forwarded Cookie header', async () => {
    const { browser } = await signedInWatched()
    const { bindings, during } = watchedEnv()
    const bookmark = browser.cookie('__Host-d1b')!
    const cookie = `__Host-session=${browser.cookie('__Host-session')}; __Host-d1b=${bookmark}`
    const backend = new Browser(ORIGIN, bindings)
    const { result, sessions } = await during(() => backend.get('/api/session', { Cookie: cookie }))
    expect(result.status).toBe(200)
    expect(sessions.map((s) => s.start)).toEqual([bookmark])
  })

  it('the RPC session(): from the bookmark in the forwarded Cookie header; signOut acts on the primary, in no replica session', async () => {
    const { browser } = await signedInWatched()
    const { bindings, during } = watchedEnv()
    const rpc = new AccountsRpc(createExecutionContext(), bindings)
    const bookmark = browser.cookie('__Host-d1b')!
    const session = `__Host-session=${browser.cookie('__Host-session')}`
    const found = await during(() => rpc.session(`${session}; __Host-d1b=${bookmark}`))
    expect(found.result).not.toBeNull()
    expect(found.sessions.map((s) => s.start)).toEqual([bookmark])
    const forged = await during(() => rpc.session(`${session}; __Host-d1b=basura`))
    expect(forged.result).not.toBeNull()
    expect(forged.sessions.map((s) => s.start)).toEqual(['first-unconstrained'])
    const out = await during(() => rpc.signOut(session))
    expect(out.result).toBe(true)
    expect(out.sessions).toEqual([])
  })

  it('with COOKIE_DOMAIN the bookmark is shared like the session cookie (__Secure-, for the domain), so an app forwards it', async () => {
    const { browser, signIn, bindings, during } = await signedInWatched({ COOKIE_DOMAIN: 'ecuabots.test' })
    const line = bookmarkLine(signIn.result.headers, '__Secure-d1b')!
    expect(line).toMatch(/Domain=ecuabots\.test/)
    expect(line).toMatch(/; HttpOnly/)
    const bookmark = browser.cookie('__Secure-d1b')!
    expect(bookmark).toMatch(BOOKMARK)
    const { sessions } = await during(() => new Browser(ORIGIN, bindings).get('/api/session', { Cookie: `__Secure-session=${browser.cookie('__Secure-session')}; __Secure-d1b=${bookmark}` }))
    expect(sessions.map((s) => s.start)).toEqual([bookmark])
  })
})
