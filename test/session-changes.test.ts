import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { Browser, lastMailTo, mailsTo, PASSWORD, signedInUser, visibleText } from './helpers'

// Issue 17, points 2, 4, 5, 6, 7, 8 and 10: what a change of privilege, a
// closed session, a sign-out and a mailed link leave behind.

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
