import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'
import { SIGN_UP_AND_SIGN_IN } from './helpers/timeouts'
import { addPasskey, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// A sign-out leaves nothing in the browser for the next person (no flow in
// progress, no choice of where to land), and a mailed link carries no choice
// a stranger made when asking for it.

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
