import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'
import { SIGN_UP_AND_SIGN_IN } from './helpers/timeouts'

// What a closed session and a change of privilege leave behind: the browser
// it ran in is forgotten, the activity says what happened, the session
// rotates. (sign-out.test.ts: what a sign-out and a mailed link leave.)

afterEach(() => vi.restoreAllMocks())

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1'

/** The "Cerrar sesión" form's action for the session whose row mentions `device` on Seguridad. */
async function revokeActionFor(browser: Browser, device: string) {
  const page = await browser.get('/security')
  const row = page.text.split('<li>').find((item) => item.includes(device))!
  return row.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!
}

/** What "Actividad de seguridad" shows, as a person reads it. */
async function activityOf(browser: Browser) {
  const page = await browser.get('/security')
  expect(page.status).toBe(200)
  return visibleText(page.text.slice(page.text.indexOf('<section id="actividad"')))
}

describe('revoking a session forgets the browser it ran in', () => {
  it('a browser whose session was closed on Seguridad is new again: signing in from it mails "nuevo inicio de sesión"', async () => {
    const { browser: laptop, email } = await signedInUser()
    const phone = new Browser()
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
    const noticesBefore = mailsTo(email, 'new-sign-in').length
    expect(noticesBefore).toBe(1) // the phone was new once
    // Signing in again from the phone while it is known mails nothing.
    await phone.post('/logout')
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(1)

    expect((await laptop.post(await revokeActionFor(laptop, 'Safari en iPhone'))).status).toBe(303)
    expect((await phone.get('/profile')).status).toBe(303)
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(2)
    expect(lastMailTo(email, 'new-sign-in').text).toContain('Safari en iPhone')
  })

  it('a browser whose session was closed on Seguridad no longer keeps its own counters while strangers lock the account', async () => {
    const { browser: laptop, email } = await signedInUser()
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    await laptop.post(await revokeActionFor(laptop, 'Safari en iPhone'))
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) expect((await new Browser().post('/login', { email, password: `ajena-${i}` })).status).toBe(401)
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(429)
    await laptop.post('/logout')
    expect((await laptop.post('/login', { email, password: PASSWORD })).status).toBe(303) // still the owner's own
  }, SIGN_UP_AND_SIGN_IN)
})

describe('closing this session forgets only the browser that asks', () => {
  it("a copied session cookie closing its own session does not make the owner's phone a stranger while strangers guess", async () => {
    const { email } = await signedInUser()
    const phone = new Browser()
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
    // The thief holds a copy of the phone's session cookie, not its device cookie.
    const stolen = { Cookie: `__Host-session=${phone.cookie('__Host-session')}` }
    const thief = new Browser()
    const security = await thief.get('/security', stolen)
    expect(security.status).toBe(200)
    const own = security.text.split('<li>').find((item) => item.includes('Este dispositivo'))!
    const action = own.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!
    expect((await thief.post(action, {}, stolen)).status).toBe(303)
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) expect((await new Browser().post('/login', { email, password: `ajena-${i}` })).status).toBe(401)
    // The phone is still hers: its own counter, its right password lets it in.
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
  }, SIGN_UP_AND_SIGN_IN)
})

describe('the activity log records what happened', () => {
  it('20 revokes of made-up session ids leave the activity list unchanged', async () => {
    const { browser } = await signedInUser()
    const before = await activityOf(browser)
    for (let i = 0; i < 20; i++) {
      const page = await browser.post(`/profile/sessions/inventada${i}/revoke`)
      expect(page.status).toBe(303)
    }
    expect(await activityOf(browser)).toBe(before)
  })

  it('closing a real session is recorded once', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    expect(await activityOf(browser)).not.toContain('Sesiones cerradas')
    await browser.post(await revokeActionFor(browser, 'Safari en iPhone'))
    expect((await activityOf(browser)).match(/Sesiones cerradas/g)).toHaveLength(1)
  })
})

/** A copy of this browser's session cookie, as a thief would hold it. */
function copiedCookie(browser: Browser) {
  return { Cookie: `__Host-session=${browser.cookie('__Host-session')}` }
}

describe('sessions rotate on every change of privilege', () => {
  it('a password change on the profile replaces this session: a copy of the cookie taken before no longer opens the account', async () => {
    const { browser } = await signedInUser()
    const copy = copiedCookie(browser)
    const changed = await browser.post('/profile', { name: 'Ana Pérez', password: 'otra-clave-larga-9', password_confirmation: 'otra-clave-larga-9' })
    expect(changed.status).toBe(303)
    expect(changed.location).toBe('/profile?aviso=contrasena-cambiada')
    expect(copiedCookie(browser).Cookie).not.toBe(copy.Cookie)
    expect((await browser.get('/profile')).status).toBe(200)
    expect((await new Browser().get('/profile', copy)).status).toBe(303)
  })

  it('"Cerrar todas las demás sesiones" replaces this session too: a copy of the cookie taken before no longer opens the account', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/login', { email, password: PASSWORD })
    const copy = copiedCookie(browser)
    expect((await browser.post('/profile/sessions/revoke-others')).status).toBe(303)
    expect(copiedCookie(browser).Cookie).not.toBe(copy.Cookie)
    expect((await browser.get('/security')).status).toBe(200)
    expect((await new Browser().get('/security', copy)).status).toBe(303)
  })
})

describe('"Cerrar todas las demás sesiones" from a session older than 10 minutes asks who it is', () => {
  it('without the current password it closes nothing and asks for it; with it, it closes the others', async () => {
    const { browser, email } = await signedInUser()
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const page = await browser.get('/security')
    expect(page.text).toContain('name="current_password"')
    const asked = await browser.post('/profile/sessions/revoke-others')
    expect(asked.status).toBe(422)
    expect(visibleText(asked.text)).toContain('La contraseña actual no es correcta.')
    const wrong = await browser.post('/profile/sessions/revoke-others', { current_password: 'no-es-esta' })
    expect(wrong.status).toBe(422)
    expect((await phone.get('/profile')).status).toBe(200) // still open
    const right = await browser.post('/profile/sessions/revoke-others', { current_password: PASSWORD })
    expect(right.status).toBe(303)
    expect((await phone.get('/profile')).status).toBe(303)
  })

  it('a stolen session older than 10 minutes that closes her other sessions one by one does not lock her laptop and phone out while strangers guess', async () => {
    const { browser: laptop, email } = await signedInUser()
    const phone = new Browser()
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
    const thief = new Browser()
    expect((await thief.post('/login', { email, password: PASSWORD })).status).toBe(303)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    // Seguridad lists the thief's own session first; the others are hers.
    const actions = [...(await thief.get('/security')).text.matchAll(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/g)].map((m) => m[1]!)
    expect(actions).toHaveLength(3)
    for (const action of actions.slice(1)) expect((await thief.post(action)).status).toBe(303)
    expect((await laptop.get('/profile')).status).toBe(303) // closed, as he asked
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) expect((await new Browser().post('/login', { email, password: `ajena-${i}` })).status).toBe(401)
    expect((await laptop.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })).status).toBe(303)
  }, SIGN_UP_AND_SIGN_IN)

  it('an account without a password, from an old session, is asked to sign in again by a mailed link, and nothing closes', async () => {
    const email = uniqueEmail()
    await new Browser().post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD })
    const browser = new Browser() // confirmed elsewhere: the sign-up password is discarded
    expect((await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).status).toBe(303)
    const other = new Browser()
    await other.post('/login/email', { email })
    await other.post('/login/code', { code: lastMailTo(email, 'login-link').text.match(/^\s+(\d{6})$/m)![1]! })
    expect((await other.get('/profile')).status).toBe(200)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const page = await browser.get('/security')
    expect(page.text).not.toContain('name="current_password"')
    expect(page.text).toContain('Reciba un enlace de acceso')
    const asked = await browser.post('/profile/sessions/revoke-others')
    expect(asked.status).toBe(422)
    expect(visibleText(asked.text)).toContain('para cerrar las demás sesiones necesitamos saber que es usted')
    expect((await other.get('/profile')).status).toBe(200)
  }, SIGN_UP_AND_SIGN_IN)

  it('"¿No la recuerda?" there mails an enlace de acceso whose code comes back to Seguridad on a fresh session, which may close them', async () => {
    const { browser, email } = await signedInUser()
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const asked = await browser.post('/profile/reauth', { back: 'security' })
    expect(asked.status).toBe(200)
    const code = lastMailTo(email, 'login-link').text.match(/^\s+(\d{6})$/m)![1]!
    const signedIn = await browser.post('/login/code', { code })
    expect(signedIn.location).toBe('/security')
    expect((await browser.post('/profile/sessions/revoke-others')).status).toBe(303)
    expect((await phone.get('/profile')).status).toBe(303)
  })
})
