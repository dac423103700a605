import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { safeNext } from '../src/http/forms'
import { Browser, lastMailTo, linkIn, ORIGIN, PASSWORD, resetPassword, signedInUser, uniqueEmail } from './helpers'

// After signing in, back to the app — only to exactly listed
// origins (RETURN_ORIGINS), through every way in.

const APP = 'https://app.ecuabots.test'
const withApps = { ...env, RETURN_ORIGINS: `${APP}, https://crm.ecuabots.test:8443` }
const browser = () => new Browser(ORIGIN, withApps)

describe('which `next` may lead back to an app', () => {
  const listed = [APP]
  it.each([
    '//evil.com',
    '/\\evil.com',
    'https:evil.com',
    'https://app.ecuabots.test.evil.com',
    'https://evil.com?.ecuabots.test',
    'https://evil.com#.app.ecuabots.test',
    'https://app.ecuabots.test@evil.com',
    'https://app.ecuabots.test:443@evil.com/x',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    '%2F%2Fevil.com',
    'https:%2F%2Fevil.com',
    'http://app.ecuabots.test/', // another scheme
    'https://app.ecuabots.test:8443/', // another port
    'https://app.ecuabots.test\\@evil.com',
    'https://app.ecuabots.test\t/',
    ' https://app.ecuabots.test/',
    'https://APP.ecuabots.test.evil.com/',
  ])('refuses %s', (next) => {
    expect(safeNext(next, '/profile', listed)).toBe('/profile')
  })

  it.each([
    [`${APP}/`, `${APP}/`],
    [`${APP}/inbox?c=42#m`, `${APP}/inbox?c=42#m`],
    [APP, `${APP}/`],
    ['/security', '/security'],
  ])('accepts %s', (next, expected) => {
    expect(safeNext(next, '/profile', listed)).toBe(expected)
  })

  it('accepts nothing absolute when RETURN_ORIGINS is unset', () => {
    expect(safeNext(`${APP}/`, '/profile', [])).toBe('/profile')
  })
})

describe('every way in goes back to the app', () => {
  const target = `${APP}/inbox?c=7`

  it('a password sign-in', async () => {
    const { email } = await signedInUser()
    const page = await browser().post('/login', { email, password: PASSWORD, next: target })
    expect(page.status).toBe(303)
    expect(page.location).toBe(target)
    const evil = await browser().post('/login', { email, password: PASSWORD, next: 'https://app.ecuabots.test.evil.com/' })
    expect(evil.location).toBe('/profile')
  })

  it('a visit to /login by someone already signed in goes straight back', async () => {
    const { email } = await signedInUser()
    const b = browser()
    await b.post('/login', { email, password: PASSWORD })
    const page = await b.get(`/login?next=${encodeURIComponent(target)}`)
    expect(page.status).toBe(303)
    expect(page.location).toBe(target)
  })

  it('the mailed link, opened on another device, and the code on this one (the request remembers where to go)', async () => {
    const { email } = await signedInUser()
    const asking = browser()
    await asking.get(`/login?next=${encodeURIComponent(target)}`) // the app sent the person here
    expect((await asking.post('/login/email', { email })).status).toBe(200)
    const phone = browser() // another device: no cookie of the asking browser
    const byLink = await phone.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(byLink.status).toBe(303)
    expect(byLink.location).toBe(`${APP}/`) // the link remembers the app, not a path anyone asking could choose

    await asking.post('/login/email', { email })
    const code = lastMailTo(email, 'login-link').text.match(/^\s+(\d{6})$/m)![1]!
    const byCode = await asking.post('/login/code', { code })
    expect(byCode.location).toBe(target)
  })

  it('the confirmation of a new account', async () => {
    const email = uniqueEmail()
    const b = browser()
    await b.get(`/login?next=${encodeURIComponent(target)}`)
    await b.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    const confirmed = await b.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.location).toBe(target)
  })

  it('a reset', async () => {
    const { email } = await signedInUser()
    const b = browser()
    await b.get(`/login?next=${encodeURIComponent(target)}`)
    const reset = await resetPassword(b, email, 'nueva-clave-31')
    expect(reset.status).toBe(303)
    // The review of the reset comes first; the app (its origin, as a mailed link would carry it) is its "Continuar".
    expect(reset.location).toBe(`/security?aviso=contrasena-restablecida&continuar=${encodeURIComponent(`${APP}/`)}`)
    expect((await b.get(reset.location!)).text).toContain(`<a href="${APP}/">Continuar</a>`)
  })

  it('a next that is not listed leads to the profile, and a stored next is checked again when the link is used', async () => {
    const { email } = await signedInUser()
    await browser().post('/login/email', { email, next: 'https://evil.com/' })
    expect((await browser().post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))).location).toBe('/profile')
    await browser().post('/login/email', { email, next: target })
    // The origin is no longer listed when the link is used (RETURN_ORIGINS unset here): the profile.
    expect((await new Browser().post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))).location).toBe('/profile')
  })
})

describe('cookie scope (COOKIE_DOMAIN)', () => {
  it('unset: the session cookie is host-only and __Host-', async () => {
    const { email } = await signedInUser()
    const page = await new Browser().post('/login', { email, password: PASSWORD })
    const cookie = page.headers.getSetCookie().find((line) => line.includes('session='))!
    expect(cookie).toMatch(/^__Host-session=/)
    expect(cookie).not.toMatch(/Domain=/i)
  })

  it('set: the session cookie (and the D1 bookmark that goes with it) is __Secure- for the parent domain, and sign-out clears it there; other cookies stay __Host-', async () => {
    const shared = { ...env, COOKIE_DOMAIN: 'ecuabots.test' }
    const { email } = await signedInUser()
    const b = new Browser(ORIGIN, shared)
    const page = await b.post('/login', { email, password: PASSWORD })
    const lines = page.headers.getSetCookie()
    const session = lines.find((line) => line.includes('session='))!
    expect(session).toMatch(/^__Secure-session=/)
    expect(session).toMatch(/Domain=ecuabots\.test/)
    expect(session).toMatch(/; Secure/)
    expect(session).toMatch(/; HttpOnly/)
    // The bookmark of the sign-in's write travels with the session, so an app that forwards one forwards both (test/read-replicas.test.ts).
    expect(lines.find((line) => line.includes('d1b='))).toMatch(/^__Secure-d1b=.*Domain=ecuabots\.test/)
    const others = lines.filter((line) => !line.includes('session=') && !line.includes('d1b='))
    // The loop below checks something: at least the device cookie, which must never be widened to the parent domain.
    expect(others.map((line) => line.slice(0, line.indexOf('=')))).toContain('__Host-device')
    for (const line of others) expect(line).toMatch(/^__Host-/)
    expect((await b.get('/profile')).status).toBe(200)
    const apps = await env.ACCOUNTS.session(`__Secure-session=${b.cookie('__Secure-session')}`)
    expect(apps).toBeNull() // this test Worker's own COOKIE_DOMAIN is unset: the name tells the two settings apart
    const out = await b.post('/logout')
    expect(out.headers.getSetCookie().find((line) => line.includes('session='))).toMatch(/^__Secure-session=;.*Domain=ecuabots\.test/)
  })
})

describe('the CSP lets a sign-in form redirect back to the app', () => {
  // Browsers apply form-action to the redirect that follows a form post: without the app's
  // origin there, POST /login → 303 to the app is silently blocked.
  it('lists exactly the RETURN_ORIGINS in form-action, and nothing else when unset', async () => {
    const listed = (await browser().get('/login')).headers.get('Content-Security-Policy')!
    expect(listed).toMatch(/form-action 'self' https:\/\/app\.ecuabots\.test https:\/\/crm\.ecuabots\.test:8443(;|$)/)
    const plain = (await new Browser().get('/login')).headers.get('Content-Security-Policy')!
    expect(plain).toMatch(/form-action 'self'(;|$)/)
  })
})

describe('nobody chooses where someone else lands', () => {
  it('a stranger asking a sign-in link for your address, with a path of the app as next, sends you only to the app', async () => {
    const { email } = await signedInUser()
    await browser().post('/login/email', { email, next: `${APP}/admin/delete-all?confirm=1` })
    const page = await browser().post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(page.status).toBe(303)
    expect(page.location).toBe(`${APP}/`)
  })

  it('another site sending the browser to /login?next= does not plant where its next sign-in lands', async () => {
    const { email } = await signedInUser()
    const victim = browser()
    const opened = await victim.get(`/login?next=${encodeURIComponent(`${APP}/x`)}`, { 'Sec-Fetch-Site': 'cross-site' })
    expect(opened.status).toBe(200)
    expect(opened.text).toContain(`value="${APP}/x"`) // the form on that page still goes back, if the person uses it
    // Even after the person types their address (a wrong password first), the planted next is not theirs.
    expect((await victim.post('/login', { email, password: 'no-es-esta' })).status).toBe(401)
    expect((await victim.post('/login', { email, password: PASSWORD })).location).toBe('/profile')
    // From a same-site page it is carried, for the address typed with it (a typed next is that address's only).
    const sameSite = browser()
    await sameSite.get(`/login?next=${encodeURIComponent(`${APP}/x`)}`, { 'Sec-Fetch-Site': 'same-site' })
    expect((await sameSite.post('/login', { email, password: 'no-es-esta' })).status).toBe(401)
    expect((await sameSite.post('/login', { email, password: PASSWORD })).location).toBe(`${APP}/x`)
  })
})
