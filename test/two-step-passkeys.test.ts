import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock } from '../src/clock'
import { Browser, PASSWORD, setClock, signedInUser, turnOnTwoStep } from './helpers'
import { addPasskey, json, registrationOptions, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// A passkey signs in with no code. With two-step on, only a session that proved
// a code may add one: otherwise a session from before two-step (an intruder's,
// fresh or not) leaves itself a way in that outlives "Cerrar todas las demás
// sesiones" (the fifth attacker review).

afterEach(() => vi.restoreAllMocks())

describe('passkeys with two-step on', () => {
  it('a session from before two-step was turned on cannot add a passkey: it is told to sign in again with its code, and nobody gets in without one', async () => {
    const owner = await signedInUser()
    const intruder = new Browser()
    expect((await intruder.post('/login', { email: owner.email, password: PASSWORD })).status).toBe(303)
    setClock(Date.now())
    await turnOnTwoStep(owner.browser)
    setClock(clock.now() + 30_000)

    // The intruder tries to leave himself a passkey.
    const authenticator = await SoftAuthenticator.create()
    const { page, options } = await registrationOptions(intruder, { current_password: PASSWORD })
    if (options) await intruder.post('/profile/passkeys', { credential: JSON.stringify(await authenticator.register(options)) })
    expect(page.status).toBe(403)
    expect(json(page).error).toContain('solo puede agregar una llave de acceso desde una sesión iniciada con su código')
    // Nor by posting a registration straight away (options taken before two-step was on, for instance).
    expect((await intruder.post('/profile/passkeys', { credential: '{}' })).status).toBe(403)
    // From any other browser, that authenticator opens nothing: no way in without a code.
    const elsewhere = new Browser()
    await signInWithPasskey(elsewhere, authenticator)
    expect((await elsewhere.get('/profile')).status).toBe(303)
  })

  it('the session that turned two-step on proved the code: it can add a passkey', async () => {
    const owner = await signedInUser()
    setClock(Date.now())
    await turnOnTwoStep(owner.browser)
    const authenticator = await SoftAuthenticator.create()
    const added = await addPasskey(owner.browser, authenticator)
    expect(added.status).toBe(200)
    expect(json(added).redirect).toMatch(/^\/profile\?aviso=llave-agregada/)
  })
})
