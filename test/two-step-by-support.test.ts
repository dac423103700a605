import { env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { findUserByEmail } from '../src/auth/accounts'
import { turnOffTwoStepBySupport } from '../src/auth/two-step'
import { readConfig } from '../src/config'
import { outbox, recoveryCodes, securityEvents } from '../src/db/schema'
import { twoStepOff } from '../src/support/two-step-off'
import { Browser, codeFor, db, lastMailTo, PASSWORD, secretOnPage, setClock, signedIn, signedInUser, turnOnTwoStep, userRow, visibleText, withTwoStep } from './helpers'
import { addPasskey, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'
import { everyMinute } from './helpers/outbox'

// Issue 21: the owner lost the phone and the recovery codes, wrote to
// support from the account's address, and an operator ran
// `npm run two-step:off` (scripts/two-step-off.mjs runs src/support/two-step-off.ts).

const OPERATOR = 'María Torres'

const supportRows = (userId: string) => ({
  events: db.select().from(securityEvents).where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, 'two_step_disabled_by_support'))),
  mails: db.select().from(outbox).where(eq(outbox.kind, 'two-step-off-by-support')),
})

describe('support turns two-step off for one account', () => {
  it('the owner then signs in with the password alone, her old recovery codes are gone, Seguridad names the operator and a mail tells her', async () => {
    const { email } = await withTwoStep()
    const said = await twoStepOff(env, { email: email.toUpperCase(), operator: OPERATOR, dryRun: false })
    expect(said).toEqual({ outcome: 'turned-off', email, mails: 1 })

    const browser = new Browser()
    expect((await browser.post('/login', { email, password: PASSWORD })).location).toBe('/profile')
    const user = (await userRow(email))!
    expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toEqual([])
    expect(user.twoStepSecret).toBeNull()

    const security = visibleText((await browser.get('/security')).text)
    expect(security).toContain('Verificación en dos pasos desactivada por soporte')
    expect(security).toContain(`a pedido suyo, por ${OPERATOR} del equipo de soporte`)

    await everyMinute()
    const mail = lastMailTo(email, 'two-step-off-by-support')
    expect(mail.subject).toBe('Soporte desactivó la verificación en dos pasos · Ecuabots')
    expect(mail.text).toContain('A pedido suyo, nuestro equipo de soporte desactivó la verificación en dos pasos')
  })

  it('a first step held in another browser ends with it, and a browser remembered for 30 days is asked for the code again once two-step is back on', async () => {
    const { browser: owner, email, secret } = await withTwoStep()
    const remembered = new Browser()
    await remembered.post('/login', { email, password: PASSWORD })
    expect((await remembered.post('/login/two-step', { code: await codeFor(secret), remember: '1' })).status).toBe(303)
    await remembered.post('/logout')
    const waiting = new Browser()
    expect((await waiting.post('/login', { email, password: PASSWORD })).location).toMatch(/^\/login\/two-step/)

    expect((await twoStepOff(env, { email, operator: OPERATOR, dryRun: false })).outcome).toBe('turned-off')
    setClock(Date.now() + 60_000)
    expect((await waiting.post('/login/two-step', { code: await codeFor(secret) })).status).toBe(410)

    // The owner, with her new phone, turns it on again.
    const setup = await owner.post('/security/two-step/setup')
    expect((await owner.post('/security/two-step/confirm', { code: await codeFor(secretOnPage(setup.text)) })).status).toBe(200)
    expect((await remembered.post('/login', { email, password: PASSWORD })).location).toMatch(/^\/login\/two-step/)
  })

  it('--dry-run, an address without an account and one with two-step off change nothing and say so', async () => {
    const { email } = await withTwoStep()
    const user = (await userRow(email))!
    expect(await twoStepOff(env, { email, operator: OPERATOR, dryRun: true })).toEqual({ outcome: 'would-turn-off', email, mails: 1 })
    expect((await userRow(email))!.twoStepSecret).toBe(user.twoStepSecret)
    expect(await twoStepOff(env, { email: `nadie-${email}`, operator: OPERATOR, dryRun: false })).toEqual({ outcome: 'no-account', email: `nadie-${email}` })
    expect((await twoStepOff(env, { email, operator: OPERATOR, dryRun: false })).outcome).toBe('turned-off')
    expect(await twoStepOff(env, { email, operator: OPERATOR, dryRun: false })).toEqual({ outcome: 'already-off', email })
    const { events, mails } = supportRows(user.id)
    expect(await events).toHaveLength(1)
    expect((await mails).filter((mail) => mail.recipient === email)).toHaveLength(1)
  })

  it('an operator who does not say who they are, or a malformed address, is refused before anything is read', async () => {
    const { email } = await withTwoStep()
    for (const operator of ['', '   ', 'x'.repeat(101), 'María\nTorres']) {
      expect((await twoStepOff(env, { email, operator, dryRun: false })).outcome).toBe('invalid')
    }
    expect((await twoStepOff(env, { email: 'Ana <ana@example.com>', operator: OPERATOR, dryRun: false })).outcome).toBe('invalid')
    expect((await userRow(email))!.twoStepSecret).not.toBeNull()
  })

  it('two operators at once: one turns it off, one event, one mail', async () => {
    const { email } = await withTwoStep()
    const results = await Promise.all([1, 2, 3].map(() => twoStepOff(env, { email, operator: OPERATOR, dryRun: false })))
    expect(results.filter((result) => result.outcome === 'turned-off')).toHaveLength(1)
    const user = (await userRow(email))!
    const { events, mails } = supportRows(user.id)
    expect(await events).toHaveLength(1)
    expect((await mails).filter((mail) => mail.recipient === email)).toHaveLength(1)
  })

  it('a change after support read the account wins: the owner turned it on again with a new app meanwhile, and nothing is written', async () => {
    const { browser: owner, email, secret } = await withTwoStep()
    const readBySupport = (await findUserByEmail(db, email))!
    expect((await owner.post('/security/two-step/off', { code: await codeFor(secret) })).status).toBe(303)
    setClock(Date.now() + 60_000)
    const setup = await owner.post('/security/two-step/setup')
    expect((await owner.post('/security/two-step/confirm', { code: await codeFor(secretOnPage(setup.text)) })).status).toBe(200)

    expect(await turnOffTwoStepBySupport(db, readConfig(env), readBySupport, OPERATOR)).toBeNull()
    const user = (await userRow(email))!
    expect(user.twoStepSecret).not.toBeNull()
    expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(10)
    expect(await supportRows(user.id).events).toEqual([])
  })

  it('someone else turned it on with the password: with evict, his session, his passkey and the password end too, and the owner is back through "Olvidé mi contraseña"', async () => {
    const owner = await signedInUser()
    const intruder = new Browser()
    expect((await intruder.post('/login', { email: owner.email, password: PASSWORD })).location).toBe('/profile')
    setClock(Date.now())
    await turnOnTwoStep(intruder)
    const intrudersKey = await SoftAuthenticator.create()
    expect((await addPasskey(intruder, intrudersKey)).status).toBe(200)
    // The "Activó" mail tells the owner that a reset alone will not undo this, and to write to support.
    expect(lastMailTo(owner.email, 'two-step-on').text).toContain('restablecer la contraseña no basta. Escríbanos ahora a')

    const said = await twoStepOff(env, { email: owner.email, operator: OPERATOR, dryRun: false, evict: true })
    expect(said).toMatchObject({ outcome: 'turned-off' })
    expect(await signedIn(intruder)).toBe(false)
    expect(await signedIn(owner.browser)).toBe(false)
    expect((await new Browser().post('/login', { email: owner.email, password: PASSWORD })).status).toBe(401)
    const withPasskey = new Browser()
    await signInWithPasskey(withPasskey, intrudersKey)
    expect(await signedIn(withPasskey)).toBe(false)

    await everyMinute()
    const mail = lastMailTo(owner.email, 'two-step-off-by-support-evicted')
    expect(mail.text).toContain('sacó de su cuenta a la persona que había entrado en ella: cerró todas las sesiones, quitó las llaves de acceso, desactivó la verificación en dos pasos')
    expect(mail.text).toContain('https://cuentas.ecuabots.test/password/forgot')
    expect(await signedIn(await signedInAgain(owner.email))).toBe(true)
  })

  it('evicting works whatever two-step is now: an intruder who turned it off again, or never on, is out all the same', async () => {
    const owner = await signedInUser()
    const intruder = new Browser()
    expect((await intruder.post('/login', { email: owner.email, password: PASSWORD })).location).toBe('/profile')
    const intrudersKey = await SoftAuthenticator.create()
    expect((await addPasskey(intruder, intrudersKey)).status).toBe(200)
    expect(await twoStepOff(env, { email: owner.email, operator: OPERATOR, dryRun: false })).toEqual({ outcome: 'already-off', email: owner.email })
    expect(await twoStepOff(env, { email: owner.email, operator: OPERATOR, dryRun: false, evict: true })).toMatchObject({ outcome: 'turned-off' })
    expect(await signedIn(intruder)).toBe(false)
    expect((await new Browser().post('/login', { email: owner.email, password: PASSWORD })).status).toBe(401)
    const withPasskey = new Browser()
    await signInWithPasskey(withPasskey, intrudersKey)
    expect(await signedIn(withPasskey)).toBe(false)
    const activity = visibleText((await (await signedInAgain(owner.email)).get('/security')).text)
    expect(activity).toContain('Soporte cerró todas las sesiones, quitó las llaves de acceso y anuló la contraseña')
    expect(activity).toContain(`a pedido suyo, por ${OPERATOR} del equipo de soporte`)
  })
})

/** The owner back in after an eviction: "Olvidé mi contraseña", the mailed link, a new password. */
async function signedInAgain(email: string) {
  const back = new Browser()
  await back.post('/password/forgot', { email })
  const link = lastMailTo(email, 'password-reset').text.match(/https:\/\/cuentas\.ecuabots\.test(\/password\/reset\/\S+)/)![1]!
  await back.get(link)
  expect((await back.post('/password/reset', { password: 'mi-clave-nueva-8', password_confirmation: 'mi-clave-nueva-8' })).status).toBe(303)
  return back
}

