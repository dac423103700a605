import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { passkeys, users } from '../src/db/schema'
import { Browser, d1Session, db, lastMailTo, linkIn, PASSWORD, requestReset, signedInUser, visibleText } from './helpers'
import { addPasskey, json, registrationOptions, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// Recovery evicts: a completed reset leaves no way in that the
// person did not keep, and lands on a review of what remains and what it closed.

const NEW_PASSWORD = 'faro-del-sur-2026'
const REVIEW_TITLE = 'Su contraseña fue restablecida. Esto es lo que puede entrar en su cuenta ahora:'
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36'
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0'

afterEach(() => vi.restoreAllMocks())

/** Asks for a reset from `browser` and opens the mailed link there: the reset page is next. */
async function openResetLink(email: string, browser: Browser) {
  expect((await browser.get(await requestReset(email, browser))).status).toBe(303)
}

/** Adds a passkey on this signed-in browser, as a browser with this user agent, and returns its authenticator. */
async function addPasskeyAs(browser: Browser, userAgent: string) {
  const authenticator = await SoftAuthenticator.create()
  const { options } = await registrationOptions(browser)
  const credential = await authenticator.register(options!)
  const added = await browser.post('/profile/passkeys', { credential: JSON.stringify(credential) }, { 'User-Agent': userAgent })
  expect(added.status).toBe(200)
  return authenticator
}

async function passkeyIdsOf(email: string) {
  const user = (await db.select().from(users).where(eq(users.email, email)).get())!
  return (await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, user.id))).map((row) => row.id)
}

/** The public id (the one the reset form ticks) of the passkey on this authenticator. */
async function passkeyIdOf(authenticator: SoftAuthenticator) {
  return (await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.credentialId, authenticator.credentialId)).get())!.id
}

describe('recovery evicts', () => {
  it('after a reset with the defaults, a passkey an intruder added from a borrowed session no longer signs in, and he cannot set a password', async () => {
    const owner = await signedInUser()
    // The intruder borrows the owner's unlocked, freshly signed-in browser and adds his own passkey: no password asked.
    const intruderKey = await SoftAuthenticator.create()
    expect((await addPasskey(owner.browser, intruderKey)).status).toBe(200)
    const intruder = new Browser()
    expect((await signInWithPasskey(intruder, intruderKey)).status).toBe(200)
    expect((await intruder.get('/profile')).status).toBe(200)

    // The owner follows the mail's advice from another device and resets, ticking nothing.
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    expect((await laptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(303)

    // His session is gone, and his passkey no longer opens the account.
    expect((await intruder.get('/profile')).status).toBe(303)
    const again = new Browser()
    const refused = await signInWithPasskey(again, intruderKey)
    expect(refused.status).toBe(400)
    expect(again.cookie('__Host-session')).toBeUndefined()
    // Without a session there is no fresh sign-in to set a password from: the profile sends him to sign in.
    const takeover = await again.post('/profile', { name: 'Intruso', password: 'clave-del-intruso-9', password_confirmation: 'clave-del-intruso-9' })
    expect(takeover.status).toBe(303)
    expect(takeover.location).toMatch(/^\/login/)
    expect((await new Browser().post('/login', { email: owner.email, password: 'clave-del-intruso-9' })).status).toBe(401)
    expect((await new Browser().post('/login', { email: owner.email, password: NEW_PASSWORD })).status).toBe(303)
    expect(await passkeyIdsOf(owner.email)).toEqual([])
  })

  it('the reset page lists each passkey with when and from where it was added, each with an unticked "Conservar" box, and says what a reset removes', async () => {
    const owner = await signedInUser()
    await addPasskeyAs(owner.browser, CHROME_ANDROID)
    await addPasskeyAs(owner.browser, FIREFOX_WINDOWS)
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    const page = await laptop.get('/password/reset')
    expect(page.status).toBe(200)
    const text = visibleText(page.text)
    expect(text).toContain('Llaves de acceso de su cuenta')
    // Default names carry the day they were added (issue 19, point 11).
    expect(text).toMatch(/Chrome en Android · agregada el \d+ \S+ Agregada .+ · Chrome en Android · Lugar desconocido Conservar/)
    expect(text).toMatch(/Firefox en Windows · agregada el \d+ \S+ Agregada .+ · Firefox en Windows · Lugar desconocido Conservar/)
    // Plain checkboxes in the reset form itself (no script needed), none ticked.
    const boxes = page.text.match(/<input type="checkbox"[^>]*>/g) ?? []
    expect(boxes).toHaveLength(2)
    for (const box of boxes) expect(box).not.toContain('checked')
    expect(text).toContain('eliminaremos las llaves de acceso que no marque para conservar')
    expect(text).toContain('los permisos que las apps ya recibieron, que siguen valiendo hasta 5 minutos')
  })

  it('a ticked passkey is kept and still signs in; the unticked one does not', async () => {
    const owner = await signedInUser()
    const phone = await addPasskeyAs(owner.browser, CHROME_ANDROID)
    const other = await addPasskeyAs(owner.browser, FIREFOX_WINDOWS)
    const phoneId = await passkeyIdOf(phone)
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    const done = await laptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, [`keep_${phoneId}`]: '1' })
    expect(done.status).toBe(303)
    expect((await signInWithPasskey(new Browser(), phone)).status).toBe(200)
    expect((await signInWithPasskey(new Browser(), other)).status).toBe(400)
  })

  it("a reset removes only this account's passkeys: ticking another account's keeps nothing here and removes nothing anywhere else", async () => {
    const stranger = await signedInUser()
    const strangerKey = await addPasskeyAs(stranger.browser, CHROME_ANDROID)
    const bystander = await signedInUser()
    const bystanderKey = await addPasskeyAs(bystander.browser, CHROME_ANDROID)
    const owner = await signedInUser()
    const ownKey = await addPasskeyAs(owner.browser, FIREFOX_WINDOWS)
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    const ticked = { [`keep_${await passkeyIdOf(strangerKey)}`]: '1' }
    const done = await laptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, ...ticked })
    expect(done.status).toBe(303)
    expect((await signInWithPasskey(new Browser(), ownKey)).status).toBe(400)
    expect((await signInWithPasskey(new Browser(), strangerKey)).status).toBe(200)
    expect((await signInWithPasskey(new Browser(), bystanderKey)).status).toBe(200)
  })

  it('a form sent back with an error keeps the boxes as ticked, and nothing is removed until the reset succeeds', async () => {
    const owner = await signedInUser()
    const key = await addPasskeyAs(owner.browser, CHROME_ANDROID)
    const [id] = await passkeyIdsOf(owner.email)
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    const mismatch = await laptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: 'otra-cosa', [`keep_${id}`]: '1' })
    expect(mismatch.status).toBe(422)
    expect(mismatch.text).toMatch(new RegExp(`<input type="checkbox" name="keep_${id}" value="1" checked`))
    expect((await signInWithPasskey(new Browser(), key)).status).toBe(200)
  })

  it('a passkey registration finished after a reset closed its session stores nothing and is sent to sign in', async () => {
    const owner = await signedInUser()
    const user = (await db.select().from(users).where(eq(users.email, owner.email)).get())!
    const intruderKey = await SoftAuthenticator.create()
    const { options } = await registrationOptions(owner.browser)
    const credential = JSON.stringify(await intruderKey.register(options!))
    // The reset commits after the finish request passed requireAuthentication (its first D1 batch)
    // and before the passkey is stored: simulated by closing the session ahead of the later batches.
    const batch = d1Session.batch
    let batches = 0
    vi.spyOn(d1Session, 'batch').mockImplementation(async function (this: D1DatabaseSession, statements) {
      if (++batches === 2) await env.DB.prepare('DELETE FROM sessions WHERE user_id = ?').bind(user.id).run()
      return batch.call(this, statements)
    })
    const late = await owner.browser.post('/profile/passkeys', { credential })
    vi.restoreAllMocks()
    expect(batches).toBeGreaterThanOrEqual(2)
    expect(late.status).toBe(303)
    expect(late.location).toMatch(/^\/login/)
    expect(await passkeyIdsOf(owner.email)).toEqual([])
    expect((await signInWithPasskey(new Browser(), intruderKey)).status).toBe(400)
  })
})

describe('after a reset, a short review', () => {
  it('Seguridad shows what can enter now (this session, each passkey kept) and how many sessions, passkeys and browsers the reset closed', async () => {
    const owner = await signedInUser() // one browser, one session
    const tablet = new Browser()
    expect((await tablet.post('/login', { email: owner.email, password: PASSWORD })).status).toBe(303) // a second browser and session
    const phone = await addPasskeyAs(owner.browser, CHROME_ANDROID)
    await addPasskeyAs(owner.browser, FIREFOX_WINDOWS)
    const phoneId = await passkeyIdOf(phone)
    await db.update(passkeys).set({ name: 'Teléfono de Ana' }).where(eq(passkeys.id, phoneId))

    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    const done = await laptop.post(
      '/password/reset',
      { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, [`keep_${phoneId}`]: '1' },
      { 'User-Agent': FIREFOX_WINDOWS },
    )
    expect(done.location).toBe('/security?aviso=contrasena-restablecida')
    const review = visibleText((await laptop.get(done.location!)).text)
    expect(review).toContain(REVIEW_TITLE)
    expect(review).toContain('Esta sesión (Firefox en Windows) con su nueva contraseña.')
    expect(review).toContain('La llave de acceso «Teléfono de Ana».')
    expect(review).toContain('Cerramos 2 sesiones abiertas en otros lugares.')
    expect(review).toContain('Eliminamos 1 llave de acceso.')
    expect(review).toContain('Olvidamos 2 navegadores')
    expect(review).toContain('hasta 5 minutos')
    // One tap to add a passkey on this device again: the add form, revealed by the passkey module.
    const html = (await laptop.get(done.location!)).text
    expect(html).toMatch(/<form id="passkey-add" method="post" action="\/profile\/passkeys\/options"/)
    expect(html).toContain('Agregar una llave de acceso en este dispositivo')
    expect(html).not.toContain('name="current_password"')
  })

  it('the review cannot be forged with a link: a session not started by a reset sees no review and no "restablecida" text', async () => {
    const { browser } = await signedInUser()
    const page = visibleText((await browser.get('/security?aviso=contrasena-restablecida')).text)
    expect(page).toContain('Sesiones activas')
    expect(page).not.toContain('restablecida')
    expect(page).not.toContain('Lo que cerramos')
  })

  it('after a reset, a later password sign-in of the same account sees no review, even from the link', async () => {
    const owner = await signedInUser()
    const laptop = new Browser()
    await openResetLink(owner.email, laptop)
    await laptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    const later = new Browser()
    expect((await later.post('/login', { email: owner.email, password: NEW_PASSWORD })).status).toBe(303)
    const page = visibleText((await later.get('/security?aviso=contrasena-restablecida')).text)
    expect(page).toContain('Sesiones activas')
    expect(page).not.toContain('Lo que cerramos')
    // The reset's own session still has it.
    expect(visibleText((await laptop.get('/security?aviso=contrasena-restablecida')).text)).toContain('Lo que cerramos')
  })

  it("the review shows only the numbers of this account's own reset, not another account's", async () => {
    // Two accounts reset at the same moment: each review counts its own.
    const a = await signedInUser()
    await addPasskeyAs(a.browser, CHROME_ANDROID)
    await addPasskeyAs(a.browser, CHROME_ANDROID)
    const b = await signedInUser()
    const [aLaptop, bLaptop] = [new Browser(), new Browser()]
    await openResetLink(a.email, aLaptop)
    await openResetLink(b.email, bLaptop)
    await aLaptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    await bLaptop.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(visibleText((await aLaptop.get('/security?aviso=contrasena-restablecida')).text)).toContain('Eliminamos 2 llaves de acceso.')
    const bReview = visibleText((await bLaptop.get('/security?aviso=contrasena-restablecida')).text)
    expect(bReview).toContain('No eliminamos ninguna llave de acceso.')
    expect(bReview).toContain('Ninguna llave de acceso.')
  })
})

describe('failed passkey sign-ins in the activity', () => {
  it('many failed sign-ins with one passkey add one "Intento de inicio de sesión fallido" per 15 minutes, so "Llave de acceso agregada" stays on Seguridad', async () => {
    const owner = await signedInUser()
    const key = await addPasskeyAs(owner.browser, CHROME_ANDROID)
    const attacker = new Browser()
    // Not verified by the user (no fingerprint): the passkey is found, the assertion fails.
    for (let i = 0; i < 25; i++) expect((await signInWithPasskey(attacker, key, { userVerified: false })).status).toBe(400)
    const failures = (text: string) => visibleText(text).match(/Intento de inicio de sesión fallido/g)?.length ?? 0
    let security = (await owner.browser.get('/security')).text
    expect(failures(security)).toBe(1)
    expect(visibleText(security)).toContain('Llave de acceso agregada')

    // The next window records the next failure.
    const later = Date.now() + 16 * MINUTE
    vi.spyOn(clock, 'now').mockReturnValue(later)
    expect((await signInWithPasskey(attacker, key, { userVerified: false })).status).toBe(400)
    vi.restoreAllMocks()
    const fresh = new Browser()
    expect(json(await signInWithPasskey(fresh, key)).redirect).toBeTruthy()
    security = (await fresh.get('/security')).text
    expect(failures(security)).toBe(2)
  })
})

describe('after a reset, the review comes first, whatever the link carried', () => {
  it('a reset asked by a stranger with next=/profile still lands on Seguridad with the review, which offers "Continuar" to the profile', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/password/forgot', { email, next: '/profile' })
    const owner = new Browser()
    await owner.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    const done = await owner.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(done.status).toBe(303)
    expect(done.location).toBe('/security?aviso=contrasena-restablecida&continuar=%2Fprofile')
    const landed = await owner.get(done.location!)
    expect(visibleText(landed.text)).toContain(REVIEW_TITLE)
    expect(landed.text).toContain('<a href="/profile">Continuar</a>')
  })

  it('"Continuar" leads only where a mailed link may: a notice, another site or a token route typed into the URL is dropped', async () => {
    const { email } = await signedInUser()
    const owner = new Browser()
    await openResetLink(email, owner)
    const done = await owner.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(done.location).toBe('/security?aviso=contrasena-restablecida') // nothing asked: no "Continuar"
    for (const onward of ['https://evil.example/', '//evil.example', '/password/reset/x', '/security']) {
      const page = await owner.get(`/security?aviso=contrasena-restablecida&continuar=${encodeURIComponent(onward)}`)
      expect(visibleText(page.text)).toContain(REVIEW_TITLE)
      expect(visibleText(page.text)).not.toContain('Continuar')
    }
    const withNotice = await owner.get(`/security?aviso=contrasena-restablecida&continuar=${encodeURIComponent('/profile?aviso=contrasena-cambiada')}`)
    expect(withNotice.text).toContain('<a href="/profile">Continuar</a>')
  })
})
