import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import lockfile from '../package-lock.json'
import { clock, MINUTE } from '../src/clock'
import { passkeys, securityEvents, sessions, users } from '../src/db/schema'
import { passkeyAsset } from '../views/assets'
import { Browser, db, lastMailTo, mailsTo, PASSWORD, signedInUser, userRow, visibleText } from './helpers'
import { addPasskey, GOOGLE_AAGUID, json, registrationOptions, RP_ID, signInOptions, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// Passkeys: registering on the profile, the list with rename and
// delete, signing in through the same path as a password. What the server
// checks in each ceremony is in passkey-verification.test.ts.

afterEach(() => vi.restoreAllMocks())

async function passkeysOf(email: string) {
  return db.select().from(passkeys).where(eq(passkeys.userId, (await userRow(email)).id))
}

async function eventsOf(email: string) {
  return db.select().from(securityEvents).where(eq(securityEvents.userId, (await userRow(email)).id))
}

/** A signed-in person with one passkey on this software authenticator. */
async function withPasskey(options: Parameters<typeof SoftAuthenticator.create>[0] = {}) {
  const person = await signedInUser()
  const authenticator = await SoftAuthenticator.create(options)
  const added = await addPasskey(person.browser, authenticator)
  expect(added.status).toBe(200)
  return { ...person, authenticator }
}

describe('adding a passkey on the profile', () => {
  it('a fresh session adds one: listed with a readable name, created and never used; the owner is mailed and the activity says so', async () => {
    const { browser, email } = await signedInUser()
    const added = await addPasskey(browser, await SoftAuthenticator.create())
    expect(added.status).toBe(200)
    expect(json(added).redirect).toBe('/profile?aviso=llave-agregada#llaves')
    const html = (await browser.get('/profile?aviso=llave-agregada')).text
    // Listed, the section shows even without JavaScript (rename and delete are plain forms); adding stays for the module.
    expect(html).not.toMatch(/<section id="llaves"[^>]* hidden/)
    expect(html).toMatch(/<form id="passkey-add"[^>]* hidden/)
    const profile = visibleText(html)
    expect(profile).toContain('Agregamos la llave de acceso. Ya puede usarla para iniciar sesión.')
    expect(profile).toContain('Llaves de acceso')
    // No AAGUID known: named after the browser and system that registered it (the test client sends no user agent).
    expect(profile).toMatch(/Navegador desconocido Creada .+ · Aún no se usó/)
    expect(profile).toContain('Si pierde todos sus dispositivos con llaves de acceso, entre con su contraseña o con «Recibir un enlace de acceso»')
    const mail = lastMailTo(email, 'passkey-added')
    expect(mail.subject).toMatch(/^Se agregó una llave de acceso a su cuenta/)
    expect(mail.text).toContain('Se agregó la llave de acceso «Navegador desconocido» a su cuenta el')
    expect(mail.text).toContain('/profile#llaves')
    expect((await eventsOf(email)).map((event) => event.type)).toContain('passkey_added')
  })

  it('names a passkey after its provider when the AAGUID is a known one, else after the browser and system', async () => {
    const { browser, email } = await signedInUser()
    await addPasskey(browser, await SoftAuthenticator.create({ aaguid: GOOGLE_AAGUID, synced: true }))
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36'
    const { options } = await registrationOptions(browser)
    const credential = await (await SoftAuthenticator.create()).register(options!)
    expect((await browser.post('/profile/passkeys', { credential: JSON.stringify(credential) }, { 'User-Agent': chrome })).status).toBe(200)
    const stored = await passkeysOf(email)
    expect(stored.map((passkey) => passkey.name).sort()).toEqual(['Chrome en Linux', 'Gestor de contraseñas de Google'])
    const synced = stored.find((passkey) => passkey.aaguid === GOOGLE_AAGUID)!
    expect([synced.backupEligible, synced.backedUp, synced.signCount, synced.transports]).toEqual([true, true, 0, '["internal"]'])
  })

  it('asks for a resident key and user verification, no attestation, the RP ID from config, and a random user handle that never changes and is not the address', async () => {
    const { browser, email } = await signedInUser()
    const { options } = await registrationOptions(browser)
    expect(options).toMatchObject({
      rp: { id: RP_ID, name: 'Ecuabots' },
      user: { name: email },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      excludeCredentials: [],
      timeout: 5 * MINUTE,
    })
    expect(options!.user.id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(options!.user.id).not.toContain(email.split('@')[0])
    expect((await userRow(email)).webauthnUserId).toBe(options!.user.id)
    expect((await registrationOptions(browser)).options!.user.id).toBe(options!.user.id)
  })

  it('excludes the passkeys already registered, and refuses the same authenticator a second time', async () => {
    const { browser, authenticator, email } = await withPasskey()
    const { options } = await registrationOptions(browser)
    expect(options!.excludeCredentials).toEqual([{ id: authenticator.credentialId, transports: ['internal'], type: 'public-key' }])
    // A browser that ignored excludeCredentials: nothing more is stored.
    const again = await browser.post('/profile/passkeys', { credential: JSON.stringify(await authenticator.register(options!)) })
    expect(again.status).toBe(400)
    expect(json(again).error).toBe('No pudimos agregar la llave de acceso. Vuelva a intentarlo.')
    expect(await passkeysOf(email)).toHaveLength(1)
    expect(mailsTo(email, 'passkey-added')).toHaveLength(1)
  })

  it('a session older than 10 minutes must give the current password: blank asks for it, a wrong one is counted and recorded, the right one is given back', async () => {
    const { browser, email } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const profile = await browser.get('/profile')
    expect(profile.text).toContain('id="passkey-password"')
    const blank = await registrationOptions(browser)
    expect(blank.page.status).toBe(422)
    expect(json(blank.page).error).toBe('Para agregar una llave de acceso, ingrese su contraseña actual.')
    const wrong = await registrationOptions(browser, { current_password: 'no-es-esta-1' })
    expect(wrong.page.status).toBe(422)
    expect(json(wrong.page).error).toBe('La contraseña actual no es correcta.')
    expect((await eventsOf(email)).map((event) => event.type)).toContain('reauthentication_failed')
    const right = await registrationOptions(browser, { current_password: PASSWORD })
    expect(right.page.status).toBe(200)
    const credential = await (await SoftAuthenticator.create()).register(right.options!)
    expect((await browser.post('/profile/passkeys', { credential: JSON.stringify(credential) })).status).toBe(200)
  })

  it('guessing the current password through the passkey form is stopped at the sign-in limit (429, the session stays)', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await registrationOptions(browser, { current_password: `mal-${i}-xyz` })).page.status)
    expect(statuses).toEqual([...Array(10).fill(422), 429])
    expect((await browser.get('/profile')).status).toBe(200)
  })

  it('an account without a password and an old session is asked to sign in again', async () => {
    const { browser, email } = await signedInUser()
    await db.update(users).set({ passwordHash: '' }).where(eq(users.email, email))
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const { page } = await registrationOptions(browser, { current_password: PASSWORD })
    expect(page.status).toBe(403)
    expect(json(page).error).toContain('cierre sesión y vuelva a entrar')
  })

  it('needs a session: signed out, the options and the response lead to /login', async () => {
    const browser = new Browser()
    expect((await browser.post('/profile/passkeys/options')).location).toBe('/login?next=%2Fprofile%2Fpasskeys%2Foptions')
    expect((await browser.post('/profile/passkeys', { credential: '{}' })).status).toBe(303)
  })
})

describe('the list on the profile: rename and delete', () => {
  it('renames a passkey; an empty, multi-line or too long name is refused', async () => {
    const { browser, email } = await withPasskey()
    const [passkey] = await passkeysOf(email)
    const renamed = await browser.post(`/profile/passkeys/${passkey!.id}/rename`, { name: '  Teléfono de Ana  ' })
    expect(renamed.location).toBe('/profile?aviso=llave-renombrada#llaves')
    expect(visibleText((await browser.get('/profile')).text)).toContain('Teléfono de Ana Creada')
    for (const name of ['', 'dos\nlíneas', 'x'.repeat(65), 'invisible\u200b']) {
      const refused = await browser.post(`/profile/passkeys/${passkey!.id}/rename`, { name })
      expect(refused.status).toBe(422)
      expect(visibleText(refused.text)).toContain('Escriba un nombre de hasta 64 caracteres, en una sola línea')
    }
    expect((await passkeysOf(email))[0]!.name).toBe('Teléfono de Ana')
  })

  it('deletes a passkey: gone from the list, the owner is mailed, the activity says so, and it no longer signs in', async () => {
    const { browser, email, authenticator } = await withPasskey()
    const [passkey] = await passkeysOf(email)
    const deleted = await browser.post(`/profile/passkeys/${passkey!.id}/delete`)
    expect(deleted.location).toBe('/profile?aviso=llave-eliminada#llaves')
    const profile = await browser.get('/profile?aviso=llave-eliminada')
    expect(visibleText(profile.text)).toContain('Eliminamos la llave de acceso.')
    expect(profile.text).not.toContain('data-credential-id')
    // The account's handle stays on the page for the Signal API (no passkeys accepted any more).
    expect(profile.text).toContain(`data-user-id="${(await userRow(email)).webauthnUserId}"`)
    const mail = lastMailTo(email, 'passkey-removed')
    expect(mail.subject).toMatch(/^Se eliminó una llave de acceso de su cuenta/)
    expect(mail.text).toContain('«Navegador desconocido»')
    expect((await eventsOf(email)).map((event) => event.type)).toContain('passkey_removed')
    // The last passkey may go: password, link and code remain.
    expect(await passkeysOf(email)).toHaveLength(0)
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(400)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it("another account's passkey can be neither renamed nor deleted", async () => {
    const owner = await withPasskey()
    const [passkey] = await passkeysOf(owner.email)
    const stranger = await signedInUser()
    await stranger.browser.post(`/profile/passkeys/${passkey!.id}/rename`, { name: 'Mía' })
    await stranger.browser.post(`/profile/passkeys/${passkey!.id}/delete`)
    expect(await passkeysOf(owner.email)).toMatchObject([{ name: 'Navegador desconocido' }])
    expect(mailsTo(stranger.email, 'passkey-removed')).toHaveLength(0)
    expect(mailsTo(owner.email, 'passkey-removed')).toHaveLength(0)
  })

  it('without passkeys the section and the add form start hidden: the browser module reveals them where WebAuthn works', async () => {
    const { browser } = await signedInUser()
    const html = (await browser.get('/profile')).text
    expect(html).toMatch(/<section id="llaves"[^>]* hidden/)
    expect(html).toMatch(/<form id="passkey-add"[^>]* hidden/)
    expect(html).toContain(`<script type="module" src="${passkeyAsset.path}">`)
  })
})

describe('signing in with a passkey', () => {
  it('signs in with no password typed: a fresh session that may add a passkey or change the password without the current one', async () => {
    const { email, authenticator } = await withPasskey()
    const browser = new Browser()
    const signedIn = await signInWithPasskey(browser, authenticator)
    expect(signedIn.status).toBe(200)
    expect(json(signedIn).redirect).toBe('/profile')
    expect(browser.cookie('__Host-session')).toBeTruthy()
    const [session] = await db.select().from(sessions).where(eq(sessions.userId, (await userRow(email)).id)).orderBy(sessions.createdAt).limit(1).offset(1)
    expect(session!.method).toBe('passkey')
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 5 * MINUTE)
    const profile = await browser.get('/profile')
    expect(profile.text).not.toContain('name="current_password"')
    const events = await eventsOf(email)
    expect(events.filter((event) => event.type === 'sign_in').map((event) => event.method)).toContain('passkey')
  })

  it('goes through the same path as a password: a new device gets "nuevo inicio de sesión", a known browser does not', async () => {
    const { email, authenticator, browser } = await withPasskey()
    await browser.post('/logout')
    expect((await signInWithPasskey(browser, authenticator)).status).toBe(200)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(0)
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    expect(lastMailTo(email, 'new-sign-in').text).toContain('con una llave de acceso')
  })

  it('keeps next, and sends anything that is not a page of ours to /profile', async () => {
    const { authenticator } = await withPasskey()
    expect(json(await signInWithPasskey(new Browser(), authenticator, { next: '/profile?x=1#sesiones' })).redirect).toBe('/profile?x=1#sesiones')
    expect(json(await signInWithPasskey(new Browser(), authenticator, { next: '//evil.example/' })).redirect).toBe('/profile')
  })

  it('signing in over another session ends that session', async () => {
    const { authenticator } = await withPasskey()
    const other = await signedInUser()
    const old = other.browser.cookie('__Host-session')!
    expect((await signInWithPasskey(other.browser, authenticator)).status).toBe(200)
    expect((await new Browser().get('/profile', { Cookie: `__Host-session=${old}` })).status).toBe(303)
  })

  it('a synced passkey that never counts (0 and 0) signs in every time; its backup state and last use are recorded', async () => {
    const { browser, email, authenticator } = await withPasskey({ synced: true })
    for (let i = 0; i < 3; i++) expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    const [stored] = await passkeysOf(email)
    expect([stored!.signCount, stored!.backedUp]).toEqual([0, true])
    expect(stored!.lastUsedAt).toBeGreaterThan(stored!.createdAt - 1)
    // The owner's list says when it was last used, no longer "never".
    const list = visibleText((await browser.get('/profile')).text)
    expect(list).toMatch(/Último uso \S/)
    expect(list).not.toContain('Aún no se usó')
  })

  it('an authenticator that counts signs in while its count goes up, and the count is stored', async () => {
    const { email, authenticator } = await withPasskey({ counter: 5, counting: true })
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    expect((await passkeysOf(email))[0]!.signCount).toBe(7)
  })

  it('the options name no account and no credential (discoverable passkeys), require user verification and use the RP ID from config', async () => {
    const options = await signInOptions(new Browser())
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: 'required', timeout: 5 * MINUTE })
    expect(options.allowCredentials).toBeUndefined()
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})

describe('the login page and the browser module', () => {
  it('the email field offers passkeys in the autofill; the passkey button starts hidden', async () => {
    const html = (await new Browser().get('/login')).text
    expect(html).toContain('autocomplete="username webauthn"')
    expect(html).toMatch(/<div id="passkey-sign-in"[^>]* hidden/)
    expect(html).toContain('Iniciar sesión con una llave de acceso')
  })

  it('the module is served by the Worker under a content-versioned, immutable URL, and uses the JSON helpers with a fallback', async () => {
    const page = await new Browser().get(passkeyAsset.path)
    expect(page.status).toBe(200)
    expect(page.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(page.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    for (const name of ['parseCreationOptionsFromJSON', 'parseRequestOptionsFromJSON', 'toJSON', 'isConditionalMediationAvailable', 'signalAllAcceptedCredentials', "mediation"]) {
      expect(page.text).toContain(name)
    }
  })
})

describe('the WebAuthn library', () => {
  it('runs on WebCrypto alone: both ceremonies pass with no Buffer and no process in sight', async () => {
    vi.stubGlobal('Buffer', undefined)
    vi.stubGlobal('process', undefined)
    try {
      const { authenticator } = await withPasskey()
      expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('one copy of @peculiar/asn1-schema is installed (two break attestation parsing: SimpleWebAuthn#738, #808)', () => {
    const copies = Object.keys((lockfile as { packages: Record<string, unknown> }).packages).filter((path) => path.endsWith('node_modules/@peculiar/asn1-schema'))
    expect(copies).toEqual(['node_modules/@peculiar/asn1-schema'])
  })
})
