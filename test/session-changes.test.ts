import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'
import { addPasskey, signInWithPasskey, SoftAuthenticator } from './webauthn'

// Issue 17, points 2, 4, 5, 6, 7, 8 and 10: what a change of privilege, a
// closed session, a sign-out and a mailed link leave behind.

afterEach(() => vi.restoreAllMocks())

/** Tests that hash several passwords (sign-ups, sign-ins): room for a loaded machine. */
const SIGN_UP_AND_SIGN_IN = 30_000

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

  it('closing a real session is recorded once, in the singular: "Sesión cerrada"', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    expect(await activityOf(browser)).not.toContain('Sesión cerrada')
    await browser.post(await revokeActionFor(browser, 'Safari en iPhone'))
    expect((await activityOf(browser)).match(/Sesión cerrada/g)).toHaveLength(1)
    expect(await activityOf(browser)).not.toContain('Sesiones cerradas')
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

const FLOW_COOKIES = ['__Host-password_reset', '__Host-login_request', '__Host-signup', '__Host-webauthn', '__Host-typed']

/** Gives this browser every cookie a flow in progress leaves: an opened reset link, a link request, a sign-up, a passkey challenge, typed text. */
async function startEveryFlow(browser: Browser, email: string) {
  await new Browser().post('/password/forgot', { email })
  expect((await browser.get(linkInReset(email))).status).toBe(303)
  await browser.post('/login/email', { email })
  await browser.post('/signup', { name: 'Otra Persona', email: `otra-${crypto.randomUUID().slice(0, 8)}@example.com`, password: PASSWORD, password_confirmation: PASSWORD })
  await browser.post('/login/passkey/options')
  for (const name of FLOW_COOKIES) expect(browser.cookie(name), name).toBeDefined()
}

function linkInReset(email: string) {
  return linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
}

function heldFlowCookies(browser: Browser) {
  return FLOW_COOKIES.filter((name) => browser.cookie(name) !== undefined)
}

describe('a browser keeps nothing after sign-out', () => {
  it('a reset link opened on a shared computer does not survive its owner signing in and out there: /password/reset shows the expired page and its POST sets nothing', async () => {
    const { email } = await signedInUser()
    const shared = new Browser()
    await shared.post('/password/forgot', { email })
    expect((await shared.get(linkInReset(email))).location).toBe('/password/reset')
    expect((await shared.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await shared.post('/logout')).status).toBe(303)
    // The next person at that computer:
    const page = await shared.get('/password/reset')
    expect(page.status).toBe(400)
    expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    const taken = await shared.post('/password/reset', { password: 'toma-de-cuenta-1', password_confirmation: 'toma-de-cuenta-1' })
    expect(taken.status).toBe(400)
    expect(shared.cookie('__Host-session')).toBeUndefined()
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('an intruder signing in with the old password or a passkey does not cancel the owner\'s reset: her reset still completes and evicts him', async () => {
    const owner = await signedInUser()
    const intruderKey = await SoftAuthenticator.create()
    expect((await addPasskey(owner.browser, intruderKey)).status).toBe(200)
    // The owner asks for a reset from her laptop and opens the link there.
    const laptop = new Browser()
    await laptop.post('/password/forgot', { email: owner.email })
    expect((await laptop.get(linkInReset(owner.email))).location).toBe('/password/reset')
    // Meanwhile the intruder signs in, once with the old password and once with his passkey.
    const byPassword = new Browser()
    expect((await byPassword.post('/login', { email: owner.email, password: PASSWORD })).status).toBe(303)
    const byPasskey = new Browser()
    expect((await signInWithPasskey(byPasskey, intruderKey)).status).toBe(200)

    const reset = await laptop.post('/password/reset', { password: 'faro-del-sur-2026', password_confirmation: 'faro-del-sur-2026' })
    expect(reset.status).toBe(303)
    expect((await byPassword.get('/profile')).status).toBe(303)
    expect((await byPasskey.get('/profile')).status).toBe(303)
    expect((await new Browser().post('/login', { email: owner.email, password: PASSWORD })).status).toBe(401)
  }, SIGN_UP_AND_SIGN_IN)

  it('the next person signing in at a computer where someone opened /login?next=/security lands on the profile, not on the page the previous person chose', async () => {
    const previous = await signedInUser()
    const next = await signedInUser()
    const shared = new Browser()
    expect((await shared.get('/login?next=/security')).status).toBe(200)
    // The previous person types their address and walks away after a wrong password: the page is theirs.
    expect((await shared.post('/login', { email: previous.email, password: 'no-es-esta' })).status).toBe(401)
    const signedIn = await shared.post('/login', { email: next.email, password: PASSWORD })
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile')
  }, SIGN_UP_AND_SIGN_IN)

  it('a person who typed their address with next=/security and got the password wrong lands there once they get it right', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await browser.get('/login?next=/security')
    expect((await browser.post('/login', { email, password: 'no-es-esta' })).status).toBe(401)
    const signedIn = await browser.post('/login', { email, password: PASSWORD })
    expect(signedIn.location).toBe('/security')
  })

  it('"Cerrar sesión" clears every cookie of a flow in progress', async () => {
    const { browser, email } = await signedInUser()
    await startEveryFlow(browser, email)
    expect((await browser.post('/logout')).status).toBe(303)
    expect(heldFlowCookies(browser)).toEqual([])
  }, SIGN_UP_AND_SIGN_IN)

  it('a password sign-in clears every cookie of a flow in progress', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await startEveryFlow(browser, email)
    expect((await browser.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(heldFlowCookies(browser)).toEqual([])
  }, SIGN_UP_AND_SIGN_IN)

  it('a sign-in by mailed code clears every cookie of a flow in progress (the code was the last use of its request)', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await startEveryFlow(browser, email)
    const code = lastMailTo(email, 'login-link').text.match(/^\s+(\d{6})$/m)![1]!
    expect((await browser.post('/login/code', { code })).status).toBe(303)
    expect(heldFlowCookies(browser)).toEqual([])
  }, SIGN_UP_AND_SIGN_IN)

  it("after an app's sign-out, the next page here shows nothing of the previous person and clears what they left", async () => {
    const { browser, email } = await signedInUser()
    await browser.post('/login/email', { email }) // signed in, asking for a link: her address is carried
    expect(heldFlowCookies(browser)).toEqual(['__Host-login_request', '__Host-typed'])
    expect(await env.ACCOUNTS.signOut(`__Host-session=${browser.cookie('__Host-session')}`)).toBe(true)
    // The app sends the browser to the sign-in page.
    const login = await browser.get('/login?next=/security', { 'Sec-Fetch-Site': 'same-site' })
    expect(login.status).toBe(200)
    expect(login.text).not.toContain(email)
    expect(browser.cookie('__Host-login_request')).toBeUndefined()
    expect((await browser.get('/login/email')).text).not.toContain(email)
  })

  it("after an app's sign-out, a reset link she had opened is gone whichever page the next person opens first", async () => {
    const { browser, email } = await signedInUser()
    await browser.post('/password/forgot', { email })
    expect((await browser.get(linkInReset(email))).location).toBe('/password/reset')
    expect(await env.ACCOUNTS.signOut(`__Host-session=${browser.cookie('__Host-session')}`)).toBe(true)
    // The next person at that computer starts at the home page, not at /login.
    expect((await browser.get('/')).status).toBe(303)
    const page = await browser.get('/password/reset')
    expect(page.status).toBe(400)
    expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    const taken = await browser.post('/password/reset', { password: 'toma-de-cuenta-2', password_confirmation: 'toma-de-cuenta-2' })
    expect(taken.status).toBe(400)
    expect(browser.cookie('__Host-session')).toBeUndefined()
  })

  it('a visit from another site to /login while signed in clears nothing', async () => {
    const { browser, email } = await signedInUser()
    await browser.post('/login/email', { email })
    const visit = await browser.get('/login', { 'Sec-Fetch-Site': 'cross-site' })
    expect(visit.status).toBe(303)
    expect(visit.headers.getSetCookie()).toEqual([])
    expect(heldFlowCookies(browser)).toEqual(['__Host-login_request', '__Host-typed'])
  })
})

describe('links carry no choices from strangers', () => {
  const notice = '/profile?aviso=contrasena-cambiada'

  it('an enlace de acceso asked by a stranger with next=/profile?aviso=… lands the owner on the plain profile', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/login/email', { email, next: notice })
    const owner = new Browser()
    const used = await owner.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(used.status).toBe(303)
    expect(used.location).toBe('/profile')
    expect(visibleText((await owner.get(used.location!)).text)).not.toContain('Su contraseña fue cambiada')
  })

  it('a reset link asked by a stranger with next=/profile?aviso=… lands the owner without the notice the stranger chose', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/password/forgot', { email, next: '/security?aviso=otras-sesiones-cerradas' })
    const owner = new Browser()
    await owner.get(linkInReset(email))
    const reset = await owner.post('/password/reset', { password: 'nueva-clave-larga-3', password_confirmation: 'nueva-clave-larga-3' })
    expect(reset.status).toBe(303)
    expect(reset.location).toBe('/security?aviso=contrasena-restablecida') // the review, not the notice the stranger chose
    expect(visibleText((await owner.get(reset.location!)).text)).not.toContain('Cerramos todas las demás sesiones')
  })

  it('a confirmation link asked with next=/profile?aviso=… lands on that page without the notice', async () => {
    // Only the browser that signed up lands where it asked (elsewhere the
    // account has no password yet and goes to choose one), but the stored
    // link keeps the page only, like every other link.
    const email = uniqueEmail()
    const browser = new Browser()
    await browser.post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD, next: notice })
    const confirmed = await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.location).toBe('/profile')
  })
})
