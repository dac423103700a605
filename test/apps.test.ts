import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, DAY, MINUTE } from '../src/clock'
import { Browser, PASSWORD, signedInUser, uniqueEmail } from './helpers'

// What an app (the CRM on another subdomain, another Worker, a
// backend elsewhere) learns about the person behind a cookie.

afterEach(() => vi.restoreAllMocks())

async function signedInCookie() {
  const person = await signedInUser({ name: 'Carla Núñez' })
  return { ...person, cookie: `__Host-session=${person.browser.cookie('__Host-session')}; otra=1` }
}

describe('Workers RPC: env.ACCOUNTS.session(cookie)', () => {
  it('answers who is signed in, and nothing that could open the account', async () => {
    const { cookie, email } = await signedInCookie()
    const found = await env.ACCOUNTS.session(cookie)
    expect(found).toMatchObject({ user: { email, name: 'Carla Núñez', emailVerified: true }, session: { fresh: true } })
    expect(Object.keys(found!.user).sort()).toEqual(['email', 'emailVerified', 'id', 'name', 'twoFactor'])
    expect(Object.keys(found!.session).sort()).toEqual(['aal', 'createdAt', 'expiresAt', 'fresh', 'id'])
    expect(JSON.stringify(found)).not.toContain(cookie.split('=')[1]!.split(';')[0]!)
  })

  it('answers null for garbage, an unknown cookie, no cookie, and a cookie under the wrong name', async () => {
    const { browser } = await signedInCookie()
    for (const header of [null, '', 'x', '__Host-session=' + 'A'.repeat(43), `session=${browser.cookie('__Host-session')}`, '__Host-session=%%%']) {
      expect(await env.ACCOUNTS.session(header)).toBeNull()
    }
  })

  it('answers null for an expired session and a revoked one', async () => {
    const expired = await signedInCookie()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 31 * DAY)
    expect(await env.ACCOUNTS.session(expired.cookie)).toBeNull()
    vi.restoreAllMocks()
    const revoked = await signedInCookie()
    await revoked.browser.post('/logout')
    expect(await env.ACCOUNTS.session(revoked.cookie)).toBeNull()
  })

  it('says "fresh" only in the first 10 minutes, and slides the expiry like a page view', async () => {
    const { cookie } = await signedInCookie()
    const first = (await env.ACCOUNTS.session(cookie))!
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    expect((await env.ACCOUNTS.session(cookie))!.session.fresh).toBe(false)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 20 * DAY)
    const later = (await env.ACCOUNTS.session(cookie))!
    expect(later.session.expiresAt).toBeGreaterThan(first.session.expiresAt)
  })

  it('signOut ends the session behind the cookie; revokeSession ends one session of that user only', async () => {
    const a = await signedInCookie()
    expect(await env.ACCOUNTS.signOut(a.cookie)).toBe(true)
    expect(await env.ACCOUNTS.session(a.cookie)).toBeNull()
    expect((await a.browser.get('/profile')).status).toBe(303) // the accounts side sees it
    expect(await env.ACCOUNTS.signOut(a.cookie)).toBe(false)

    const b = await signedInCookie()
    const other = await signedInCookie()
    const session = (await env.ACCOUNTS.session(b.cookie))!
    const otherSession = (await env.ACCOUNTS.session(other.cookie))!
    expect(await env.ACCOUNTS.revokeSession(session.user.id, otherSession.session.id)).toBe(false) // not b's
    expect(await env.ACCOUNTS.session(other.cookie)).not.toBeNull()
    expect(await env.ACCOUNTS.revokeSession(session.user.id, session.session.id)).toBe(true)
    expect(await env.ACCOUNTS.session(b.cookie)).toBeNull()
  })
})

describe('GET /api/session (a backend forwarding the Cookie header)', () => {
  it('answers the same JSON as the RPC, never cached, without CORS', async () => {
    const { cookie } = await signedInCookie()
    const page = await new Browser().get('/api/session', { Cookie: cookie, Origin: 'https://evil.example' })
    expect(page.status).toBe(200)
    expect(page.headers.get('Content-Type')).toContain('application/json')
    expect(page.headers.get('Cache-Control')).toBe('no-store')
    expect(page.headers.get('Access-Control-Allow-Origin')).toBeNull()
    const body = JSON.parse(page.text)
    expect(body).toEqual(JSON.parse(JSON.stringify(await env.ACCOUNTS.session(cookie))))
  })

  it('answers 401 JSON without a valid session', async () => {
    const page = await new Browser().get('/api/session')
    expect(page.status).toBe(401)
    expect(JSON.parse(page.text)).toMatchObject({ error: 'not_signed_in' })
    expect(page.headers.get('Set-Cookie')).toBeNull()
  })

  it('works for a person who signed in with a password too', async () => {
    const email = uniqueEmail()
    await signedInUser({ email })
    const browser = new Browser()
    await browser.post('/login', { email, password: PASSWORD })
    const page = await new Browser().get('/api/session', { Cookie: `__Host-session=${browser.cookie('__Host-session')}` })
    expect(page.status).toBe(200)
    // Who is signed in, and the session this browser holds.
    const body = JSON.parse(page.text)
    expect(body.user).toMatchObject({ email, name: 'Ana Pérez', emailVerified: true })
    expect(body.session.fresh).toBe(true)
    expect(body).toEqual(JSON.parse(JSON.stringify(await env.ACCOUNTS.session(`__Host-session=${browser.cookie('__Host-session')}`))))
  })
})
