import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SECOND_STEP_ATTEMPTS, SECOND_STEP_DAILY_FAILURES, SECOND_STEP_EVENT_WINDOW, SECOND_STEP_FAILURES, SECOND_STEP_NOTICE_WINDOW } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { t } from '../src/i18n'
import { recoveryCodes, secondSteps } from '../src/db/schema'
import {
  base32Decode,
  Browser,
  codeFor,
  db,
  FIRST_STEP_COOKIE,
  lastMailTo,
  mailsTo,
  PASSWORD,
  recoveryCodesOnPage,
  resetPassword,
  secretOnPage,
  sessionsOf,
  setClock,
  signedIn,
  signedInUser,
  totp,
  turnOnTwoStep,
  userRow,
  visibleText,
  withTwoStep,
} from './helpers'

afterEach(() => vi.restoreAllMocks())

/** A new browser past the password: holding a first step, no session. */
async function pastPassword(email: string) {
  const browser = new Browser()
  const first = await browser.post('/login', { email, password: PASSWORD })
  expect(first.location).toMatch(/^\/login\/two-step/)
  return browser
}

const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')

describe("the tests' own authenticator", () => {
  it("gives RFC 6238's SHA-1 test vectors", async () => {
    const key = new TextEncoder().encode('12345678901234567890')
    const vectors: [number, string][] = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']]
    for (const [seconds, code] of vectors) expect(await totp(key, seconds * 1000, 8)).toBe(code)
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toEqual(key)
  })
})

describe('turning two-step on, on Seguridad', () => {
  it('Seguridad says it is off and offers it; "Activar" shows a QR drawn here, the key in groups of four and an otpauth:// link to open the app', async () => {
    const { browser, email } = await signedInUser()
    const security = await browser.get('/security')
    expect(visibleText(security.text)).toContain('Verificación en dos pasos')
    expect(security.text).toContain('action="/security/two-step/setup"')
    const setup = await browser.post('/security/two-step/setup')
    expect(setup.status).toBe(200)
    expect(setup.text).toMatch(/<img class="qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/)
    expect(setup.text).toMatch(/<code id="two-step-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<\/code>/) // 20 bytes: 32 base32 letters
    const secret = secretOnPage(setup.text)
    const link = setup.text.match(/href="(otpauth:\/\/[^"]+)"/)![1]!.replaceAll('&amp;', '&')
    const uri = new URL(link)
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.host).toBe('totp')
    expect(decodeURIComponent(uri.pathname)).toBe(`/Ecuabots:${email}`)
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ secret, issuer: 'Ecuabots', algorithm: 'SHA1', digits: '6', period: '30' })
    expect(visibleText(setup.text)).toContain('Abrir en su app de autenticación')
    expect(atob(setup.text.match(/base64,([^"]+)"/)![1]!)).toMatch(/^<svg/)
  })

  it('a first code turns it on: ten recovery codes shown once to copy or download, a mail, the activity, and Seguridad says it is on', async () => {
    const { browser, email } = await signedInUser()
    setClock(Date.now())
    const { codes, page } = await turnOnTwoStep(browser)
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    // 16 of 31 characters, about 79 bits: a dump's SHA-256 of it cannot be searched offline (at 49 bits, one GPU found one in hours).
    for (const code of codes) expect(code).toMatch(/^[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}$/)
    expect(visibleText(page.text)).toContain('Activó la verificación en dos pasos.')
    expect(page.text).toContain('download="ecuabots-codigos-de-recuperacion.txt"')
    expect(decodeURIComponent(page.text.match(/href="data:text\/plain;charset=utf-8,([^"]+)"/)![1]!)).toContain(codes[0]!)
    expect(lastMailTo(email, 'two-step-on').subject).toMatch(/^Activó la verificación en dos pasos/)
    const security = visibleText((await browser.get('/security')).text)
    expect(security).toContain('Está activada')
    expect(security).toContain('Le quedan 10 códigos de recuperación sin usar')
    expect(security).toContain('Verificación en dos pasos activada')
    expect(security).not.toContain(codes[0]!) // shown once
  })

  it('a wrong first code keeps it off and shows the same key again (422)', async () => {
    const { browser, email } = await signedInUser()
    const setup = await browser.post('/security/two-step/setup')
    const secret = secretOnPage(setup.text)
    const wrong = await browser.post('/security/two-step/confirm', { code: wrongCode(await codeFor(secret)) })
    expect(wrong.status).toBe(422)
    expect(visibleText(wrong.text)).toContain('El código no es correcto')
    expect(secretOnPage(wrong.text)).toBe(secret)
    expect((await userRow(email)).twoStepSecret).toBeNull()
    expect(mailsTo(email, 'two-step-on')).toHaveLength(0)
  })

  it('a session older than 10 minutes must give the current password to start it', async () => {
    const { browser } = await signedInUser()
    setClock(Date.now() + 11 * MINUTE)
    const blank = await browser.post('/security/two-step/setup')
    expect(blank.status).toBe(422)
    expect(blank.text).not.toContain('two-step-key')
    const wrong = await browser.post('/security/two-step/setup', { current_password: 'no-es-esta-9' })
    expect(wrong.status).toBe(422)
    expect(wrong.text).not.toContain('two-step-key')
    const right = await browser.post('/security/two-step/setup', { current_password: PASSWORD })
    expect(right.status).toBe(200)
    expect(right.text).toContain('two-step-key')
  })

  it('keeps the secret sealed and the recovery codes only as hashes: nothing usable in the database', async () => {
    const { email, secret, codes } = await withTwoStep()
    const user = await userRow(email)
    expect(user.twoStepSecret).toMatch(/^sealed:v1:/)
    const dump = JSON.stringify([user, await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))])
    expect(dump).not.toContain(secret)
    for (const code of codes) {
      expect(dump).not.toContain(code)
      expect(dump).not.toContain(code.replace('-', ''))
    }
  })
})

describe('the second step', () => {
  it('a code is accepted once: the same code again in its window is refused; the next period’s code works', async () => {
    const { email, secret } = await withTwoStep()
    const first = await pastPassword(email)
    const code = await codeFor(secret)
    expect((await first.post('/login/two-step', { code })).status).toBe(303)
    const replay = await pastPassword(email)
    const again = await replay.post('/login/two-step', { code })
    expect(again.status).toBe(422)
    expect(visibleText(again.text)).toContain('El código no es correcto o ya se usó')
    expect(await signedIn(replay)).toBe(false)
    setClock(clock.now() + 30_000)
    expect((await replay.post('/login/two-step', { code: await codeFor(secret) })).status).toBe(303)
    expect(await signedIn(replay)).toBe(true)
  })

  it('accepts a code one period off either way (a phone clock a little off) and refuses two periods off', async () => {
    const { email, secret } = await withTwoStep()
    setClock(clock.now() + 10 * 30_000)
    const browser = await pastPassword(email)
    expect((await browser.post('/login/two-step', { code: await codeFor(secret, 2) })).status).toBe(422)
    expect((await browser.post('/login/two-step', { code: await codeFor(secret, -2) })).status).toBe(422)
    expect((await browser.post('/login/two-step', { code: await codeFor(secret, -1) })).status).toBe(303)
    setClock(clock.now() + 10 * 30_000)
    const later = await pastPassword(email)
    expect((await later.post('/login/two-step', { code: await codeFor(secret, 1) })).status).toBe(303)
  })

  it('the same code sent twice at once from two browsers past the password starts one session', async () => {
    const { email, secret } = await withTwoStep()
    const [one, two] = [await pastPassword(email), await pastPassword(email)]
    const code = await codeFor(secret)
    const before = (await sessionsOf(email)).length
    const answers = await Promise.all([one.post('/login/two-step', { code }), two.post('/login/two-step', { code })])
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 422])
    expect(await sessionsOf(email)).toHaveLength(before + 1)
  })

  it('a recovery code signs in once: the owner is mailed how many are left, the activity says so, and the code never works again', async () => {
    const { email, codes } = await withTwoStep()
    const browser = await pastPassword(email)
    const used = await browser.post('/login/two-step', { code: codes[3]!.toUpperCase() }) // case does not matter
    expect(used.status).toBe(303)
    expect(await signedIn(browser)).toBe(true)
    const mail = lastMailTo(email, 'two-step-recovery-used')
    expect(mail.subject).toMatch(/^Usó un código de recuperación \(le quedan 9\)/)
    const security = visibleText((await browser.get('/security')).text)
    expect(security).toContain('Le quedan 9 códigos de recuperación sin usar')
    expect(security).toContain('Inicio de sesión con un código de recuperación')
    const again = await pastPassword(email)
    expect((await again.post('/login/two-step', { code: codes[3]! })).status).toBe(422)
    expect(await signedIn(again)).toBe(false)
  })

  it('the same recovery code sent twice at once starts one session', async () => {
    const { email, codes } = await withTwoStep()
    const [one, two] = [await pastPassword(email), await pastPassword(email)]
    const before = (await sessionsOf(email)).length
    const answers = await Promise.all([one.post('/login/two-step', { code: codes[0]! }), two.post('/login/two-step', { code: codes[0]! })])
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 422])
    expect(await sessionsOf(email)).toHaveLength(before + 1)
  })

  it("a first-step cookie of another account does not take this account's code", async () => {
    const owner = await withTwoStep()
    const intruder = await withTwoStep()
    const browser = await pastPassword(intruder.email)
    const answer = await browser.post('/login/two-step', { code: await codeFor(owner.secret) })
    expect(answer.status).toBe(422)
    expect(await signedIn(browser)).toBe(false)
  })

  it('with only the first-step cookie, /profile and /security send to /login', async () => {
    const { email } = await withTwoStep()
    const browser = await pastPassword(email)
    expect(browser.cookie(FIRST_STEP_COOKIE)).toBeTruthy()
    for (const path of ['/profile', '/security']) {
      const page = await browser.get(path)
      expect(page.status).toBe(303)
      expect(page.location).toMatch(/^\/login/)
    }
  })

  it('the first step is bound to its browser: its cookie copied into another browser is refused', async () => {
    const { email, secret } = await withTwoStep()
    const browser = await pastPassword(email)
    const thief = new Browser()
    const stolen = await thief.post('/login/two-step', { code: await codeFor(secret) }, { Cookie: `${FIRST_STEP_COOKIE}=${browser.cookie(FIRST_STEP_COOKIE)}` })
    expect(stolen.status).toBe(410)
    expect(thief.cookie('__Host-session')).toBeUndefined()
  })

  it('the first step lasts 5 minutes: later, the page says to sign in again', async () => {
    const { email, secret } = await withTwoStep()
    const browser = await pastPassword(email)
    setClock(clock.now() + 5 * MINUTE + 1000)
    const late = await browser.post('/login/two-step', { code: await codeFor(secret) })
    expect(late.status).toBe(410)
    expect(visibleText(late.text)).toContain('Inicie sesión de nuevo')
    expect(await signedIn(browser)).toBe(false)
  })

  it('a new password, on the profile or by a reset, ends every first step waiting for its code', async () => {
    const { browser, email, secret } = await withTwoStep()
    const waiting = await pastPassword(email)
    expect((await browser.post('/profile', { name: 'Ana Pérez', password: 'otra-clave-nueva-3', password_confirmation: 'otra-clave-nueva-3' })).location).toBe('/profile?aviso=contrasena-cambiada')
    expect((await waiting.post('/login/two-step', { code: await codeFor(secret) })).status).toBe(410)
    expect(await signedIn(waiting)).toBe(false)
  })

  it(`wrong codes are counted before any check, parallel ones too: past ${SECOND_STEP_ATTEMPTS} the first step is spent`, async () => {
    const { email, secret } = await withTwoStep()
    const browser = await pastPassword(email)
    const wrong = wrongCode(await codeFor(secret))
    const answers = await Promise.all(Array.from({ length: SECOND_STEP_ATTEMPTS + 2 }, () => browser.post('/login/two-step', { code: wrong })))
    expect(answers.filter((answer) => answer.status === 422)).toHaveLength(SECOND_STEP_ATTEMPTS)
    const right = await browser.post('/login/two-step', { code: await codeFor(secret) })
    expect(right.status).toBe(410)
    expect(await signedIn(browser)).toBe(false)
    expect(await db.select().from(secondSteps).where(eq(secondSteps.userId, (await userRow(email)).id))).toHaveLength(0)
  })

  it(`past ${SECOND_STEP_FAILURES.limit} wrong codes for one account (from any first steps) the second step answers 429`, async () => {
    const { email, secret } = await withTwoStep()
    const wrong = wrongCode(await codeFor(secret))
    for (let i = 0; i < SECOND_STEP_FAILURES.limit / 2; i++) {
      const browser = await pastPassword(email)
      await Promise.all([browser.post('/login/two-step', { code: wrong }), browser.post('/login/two-step', { code: wrong })])
    }
    const browser = await pastPassword(email)
    const throttled = await browser.post('/login/two-step', { code: await codeFor(secret) })
    expect(throttled.status).toBe(429)
    expect(visibleText(throttled.text)).toContain('Demasiados códigos incorrectos')
    expect(await signedIn(browser)).toBe(false)
  })
})

describe('someone past the first step who does not have the code', () => {
  it('wrong codes after the first step are in the owner\'s activity once per 15 minutes, and she is mailed once a day however many there are', async () => {
    const { browser: owner, email, secret } = await withTwoStep()
    const wrong = wrongCode(await codeFor(secret))
    for (let i = 0; i < 3; i++) {
      const stranger = await pastPassword(email)
      expect((await stranger.post('/login/two-step', { code: wrong })).status).toBe(422)
      expect((await stranger.post('/login/two-step', { code: wrong })).status).toBe(422)
    }
    expect(mailsTo(email, 'two-step-wrong-code')).toHaveLength(1)
    const mail = lastMailTo(email, 'two-step-wrong-code')
    expect(mail.subject).toMatch(/^Se ingresó su contraseña, pero no el código de su app/)
    expect(mail.text).toContain('(con su contraseña), pero escribió un código incorrecto de su app de autenticación, así que no entró')
    expect(mail.text).toContain('https://cuentas.ecuabots.test/password/forgot')
    const activity = visibleText((await owner.get('/security')).text)
    expect(activity.match(/Código incorrecto tras el primer paso con contraseña/g)).toHaveLength(1)
    setClock(clock.now() + SECOND_STEP_EVENT_WINDOW + MINUTE)
    await (await pastPassword(email)).post('/login/two-step', { code: wrong })
    expect(visibleText((await owner.get('/security')).text).match(/Código incorrecto tras el primer paso con contraseña/g)).toHaveLength(2)
    expect(mailsTo(email, 'two-step-wrong-code')).toHaveLength(1)
    setClock(clock.now() + SECOND_STEP_NOTICE_WINDOW + MINUTE)
    await (await pastPassword(email)).post('/login/two-step', { code: wrong })
    expect(mailsTo(email, 'two-step-wrong-code')).toHaveLength(2)
  })

  it('a wrong recovery code as the first answer does not hide the app-code guesses after it: the owner is told all the same', async () => {
    const { browser: owner, email, secret } = await withTwoStep()
    const stranger = await pastPassword(email)
    expect((await stranger.post('/login/two-step', { code: 'aaaa-bbbb-cccc-dddd' })).status).toBe(422)
    expect((await stranger.post('/login/two-step', { code: wrongCode(await codeFor(secret)) })).status).toBe(422)
    expect(mailsTo(email, 'two-step-wrong-code')).toHaveLength(1)
    expect(visibleText((await owner.get('/security')).text)).toContain('Código incorrecto tras el primer paso con contraseña')
  })

  it('the owner sending her right code twice at once is not told someone failed: only one of the two is a wrong answer, and it is hers', async () => {
    const { email, secret, codes } = await withTwoStep()
    const here = await pastPassword(email)
    const answers = await Promise.all([here.post('/login/two-step', { code: await codeFor(secret) }), here.post('/login/two-step', { code: await codeFor(secret) })])
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 422])
    setClock(clock.now() + 30_000)
    const again = await pastPassword(email)
    const recovery = await Promise.all([again.post('/login/two-step', { code: codes[0]! }), again.post('/login/two-step', { code: codes[0]! })])
    expect(recovery.map((answer) => answer.status).sort()).toEqual([303, 422])
    expect(mailsTo(email, 'two-step-wrong-code')).toHaveLength(0)
  })

  it(`10 wrong codes every 15 minutes cannot go on all day: past ${SECOND_STEP_DAILY_FAILURES.limit} in a day the second step answers 429 in every new window`, async () => {
    const { email, secret } = await withTwoStep()
    const wrong = wrongCode(await codeFor(secret))
    for (let round = 0; round < SECOND_STEP_DAILY_FAILURES.limit / SECOND_STEP_FAILURES.limit; round++) {
      for (let i = 0; i < SECOND_STEP_FAILURES.limit / 5; i++) {
        const stranger = await pastPassword(email)
        for (let j = 0; j < 5; j++) expect((await stranger.post('/login/two-step', { code: wrong })).status).toBe(422)
      }
      setClock(clock.now() + SECOND_STEP_FAILURES.window + MINUTE)
    }
    const next = await pastPassword(email)
    const throttled = await next.post('/login/two-step', { code: await codeFor(secret) })
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get('Retry-After'))).toBeGreaterThan(SECOND_STEP_FAILURES.window / 1000)
  })

  it('while wrong app codes have the second step at 429, the owner on a new browser still gets in with a recovery code', async () => {
    const { email, secret, codes } = await withTwoStep()
    const wrong = wrongCode(await codeFor(secret))
    for (let i = 0; i < SECOND_STEP_FAILURES.limit / 5; i++) {
      const stranger = await pastPassword(email)
      for (let j = 0; j < 5; j++) await stranger.post('/login/two-step', { code: wrong })
    }
    const owner = await pastPassword(email)
    expect((await owner.post('/login/two-step', { code: await codeFor(secret) })).status).toBe(429)
    expect((await owner.post('/login/two-step', { code: codes[0]! })).status).toBe(303)
    expect(await signedIn(owner)).toBe(true)
  })

  it('another account of the same mailbox (ana+x@ for ana@) spending its own code budget does not lock ana@ out', async () => {
    const victim = await withTwoStep()
    const [local, domain] = victim.email.split('@')
    const sibling = await withTwoStep({ email: `${local}+x@${domain}` })
    const wrong = wrongCode(await codeFor(sibling.secret))
    // Its own session, sent without its device cookie: counted as a stranger to the account, not as its known browser.
    const asStranger = { Cookie: `__Host-session=${sibling.browser.cookie('__Host-session')}` }
    for (let i = 0; i <= SECOND_STEP_FAILURES.limit; i++) await sibling.browser.post('/security/two-step/off', { code: wrong }, asStranger)
    expect((await sibling.browser.post('/security/two-step/off', { code: wrong }, asStranger)).status).toBe(429)
    const owner = await pastPassword(victim.email)
    expect((await owner.post('/login/two-step', { code: await codeFor(victim.secret) })).status).toBe(303)
  })
})

describe('"No volver a pedir en este dispositivo durante 30 días"', () => {
  it('unchecked by default; ticked, this browser skips the code for 30 days and no other does', async () => {
    const { email, secret } = await withTwoStep()
    const browser = await pastPassword(email)
    const page = await browser.get('/login/two-step')
    expect(page.text).toMatch(/<input type="checkbox" name="remember" value="1"\s*\/?>/)
    expect(visibleText(page.text)).toContain('No volver a pedir en este dispositivo durante 30 días')
    expect((await browser.post('/login/two-step', { code: await codeFor(secret), remember: '1' })).status).toBe(303)
    await browser.post('/logout')
    expect((await browser.post('/login', { email, password: PASSWORD })).location).toBe('/profile')
    await browser.post('/logout')
    expect((await new Browser().post('/login', { email, password: PASSWORD })).location).toMatch(/^\/login\/two-step/)
    setClock(clock.now() + 30 * 24 * 60 * MINUTE + MINUTE)
    expect((await browser.post('/login', { email, password: PASSWORD })).location).toMatch(/^\/login\/two-step/)
  })

  it('a new password, a reset, "Cerrar todas las demás sesiones" and turning two-step off end it everywhere, in the browser that did it too', async () => {
    for (const end of ['password', 'reset', 'others', 'off'] as const) {
      const { browser: owner, email, secret } = await withTwoStep()
      const [elsewhere, here] = [await pastPassword(email), await pastPassword(email)]
      expect((await elsewhere.post('/login/two-step', { code: await codeFor(secret), remember: '1' })).status).toBe(303)
      await elsewhere.post('/logout')
      setClock(clock.now() + 30_000)
      expect((await here.post('/login/two-step', { code: await codeFor(secret), remember: '1' })).status).toBe(303)
      setClock(clock.now() + 30_000)
      const password = end === 'password' || end === 'reset' ? 'otra-clave-nueva-5' : PASSWORD
      // The reset itself asks for the code even in the remembered browser: it ends the skip before its session would start.
      if (end === 'reset') expect((await resetPassword(here, email, password)).location).toMatch(/^\/login\/two-step/)
      if (end === 'password') expect((await here.post('/profile', { name: 'Ana Pérez', password, password_confirmation: password })).status).toBe(303)
      if (end === 'others') expect((await here.post('/profile/sessions/revoke-others')).status).toBe(303)
      if (end === 'off') {
        expect((await here.post('/security/two-step/off', { code: await codeFor(secret) })).status).toBe(303)
        const setup = await owner.post('/security/two-step/setup')
        expect((await owner.post('/security/two-step/confirm', { code: await codeFor(secretOnPage(setup.text), 1) })).status).toBe(200)
      }
      await here.post('/logout')
      for (const browser of [elsewhere, here]) expect((await browser.post('/login', { email, password })).location, end).toMatch(/^\/login\/two-step/)
    }
  })
})

describe('what apps are told', () => {
  it('session() says twoFactor for the account and aal 2 only for a session that proved a code: the second step, or turning it on', async () => {
    const person = await signedInUser()
    const cookieOf = (b: Browser) => `__Host-session=${b.cookie('__Host-session')}`
    // A session from before two-step was turned on proved one factor, and still has only that.
    const before = new Browser()
    await before.post('/login', { email: person.email, password: PASSWORD })
    setClock(Date.now())
    const { secret } = await turnOnTwoStep(person.browser)
    setClock(clock.now() + 30_000)
    const { browser, email } = person
    expect(await env.ACCOUNTS.session(cookieOf(before))).toMatchObject({ user: { email, twoFactor: true }, session: { aal: 1 } })
    // The session that turned it on typed the app's first code.
    expect(await env.ACCOUNTS.session(cookieOf(browser))).toMatchObject({ user: { email, twoFactor: true }, session: { aal: 2 } })
    const second = await pastPassword(email)
    await second.post('/login/two-step', { code: await codeFor(secret) })
    expect(await env.ACCOUNTS.session(cookieOf(second))).toMatchObject({ user: { twoFactor: true }, session: { aal: 2 } })
    const plain = await signedInUser()
    expect(await env.ACCOUNTS.session(cookieOf(plain.browser))).toMatchObject({ user: { twoFactor: false }, session: { aal: 1 } })
  })

  it('a token for an app says amr: a password alone is pwd, a password and the app code pwd, otp and mfa', async () => {
    const { email, secret } = await withTwoStep()
    const second = await pastPassword(email)
    await second.post('/login/two-step', { code: await codeFor(secret) })
    const asked = await second.post('/api/token', { aud: 'crm' })
    const { token } = JSON.parse(asked.text) as { token: string }
    const payload = JSON.parse(atob(token.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/')))
    expect(payload.amr).toEqual(['pwd', 'otp', 'mfa'])
    const plain = await signedInUser()
    await plain.browser.post('/logout')
    await plain.browser.post('/login', { email: plain.email, password: PASSWORD })
    const plainToken = JSON.parse((await plain.browser.post('/api/token', { aud: 'crm' })).text) as { token: string }
    expect(JSON.parse(atob(plainToken.token.split('.')[1]!.replaceAll('-', '+').replaceAll('_', '/'))).amr).toEqual(['pwd'])
  })
})

describe('turning two-step off and renewing the recovery codes', () => {
  it('turning off needs a code: none or a wrong one leaves it on; a current one turns it off, mails the owner, and sign-in asks only the password', async () => {
    const { browser, email, secret, codes } = await withTwoStep()
    const none = await browser.post('/security/two-step/off', {})
    expect(none.status).toBe(422)
    const wrong = await browser.post('/security/two-step/off', { code: wrongCode(await codeFor(secret)) })
    expect(wrong.status).toBe(422)
    expect((await userRow(email)).twoStepSecret).not.toBeNull()
    const off = await browser.post('/security/two-step/off', { code: await codeFor(secret) })
    expect(off.status).toBe(303)
    expect(off.location).toBe('/security?aviso=dos-pasos-desactivada#dos-pasos')
    expect(lastMailTo(email, 'two-step-off').subject).toMatch(/^Desactivó la verificación en dos pasos/)
    expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, (await userRow(email)).id))).toHaveLength(0)
    const later = new Browser()
    expect((await later.post('/login', { email, password: PASSWORD })).location).toBe('/profile')
    expect(codes).toHaveLength(10)
  })

  it('a wrong code is said under the code field of the form that was sent, unfolded and focused; the other form stays folded and nothing is announced at load', async () => {
    const { browser, secret } = await withTwoStep()
    for (const [action, sent, other] of [['off', 'off_code', 'renew_code'], ['codes', 'renew_code', 'off_code']] as const) {
      const page = await browser.post(`/security/two-step/${action}`, { code: wrongCode(await codeFor(secret)) })
      expect(page.status).toBe(422)
      expect(page.text).not.toContain('role="alert"')
      const form = (id: string) => page.text.match(new RegExp(`<details[^>]*>(?:(?!</details>)[\\s\\S])*id="${id}"[\\s\\S]*?</details>`))![0]
      expect(form(sent)).toMatch(/^<details open/)
      expect(form(sent)).toMatch(new RegExp(`<input id="${sent}"[^>]*aria-invalid="true"[^>]*aria-describedby="${sent}-error"[^>]*autofocus`))
      expect(visibleText(form(sent))).toContain(t.twoStep.wrongCode)
      expect(form(other)).toMatch(/^<details>/)
      expect(form(other)).not.toContain('aria-invalid')
    }
  })

  it('a session older than 10 minutes must also give the current password to turn it off', async () => {
    const { browser, email, secret } = await withTwoStep()
    setClock(clock.now() + 11 * MINUTE)
    expect((await browser.post('/security/two-step/off', { code: await codeFor(secret) })).status).toBe(422)
    expect((await userRow(email)).twoStepSecret).not.toBeNull()
    setClock(clock.now() + 30_000)
    expect((await browser.post('/security/two-step/off', { code: await codeFor(secret), current_password: PASSWORD })).status).toBe(303)
    expect((await userRow(email)).twoStepSecret).toBeNull()
  })

  it('new recovery codes replace the old ones: an old one no longer signs in, a new one does', async () => {
    const { browser, email, secret, codes } = await withTwoStep()
    const renewed = await browser.post('/security/two-step/codes', { code: await codeFor(secret) })
    expect(renewed.status).toBe(200)
    const fresh = recoveryCodesOnPage(renewed.text)
    expect(fresh).toHaveLength(10)
    expect(fresh).not.toContain(codes[0])
    expect(lastMailTo(email, 'two-step-renewed').subject).toMatch(/^Generó nuevos códigos de recuperación/)
    const old = await pastPassword(email)
    expect((await old.post('/login/two-step', { code: codes[0]! })).status).toBe(422)
    expect((await old.post('/login/two-step', { code: fresh[0]! })).status).toBe(303)
  })
})

describe('setting it up, and coming back to the page', () => {
  it('reloading the set-up page (or coming back from the app) shows the same key again; with none being set up it goes to Seguridad', async () => {
    const { browser } = await signedInUser()
    expect((await browser.get('/security/two-step/setup')).location).toBe('/security#dos-pasos')
    const setup = await browser.post('/security/two-step/setup')
    const again = await browser.get('/security/two-step/setup')
    expect(again.status).toBe(200)
    expect(secretOnPage(again.text)).toBe(secretOnPage(setup.text))
    setClock(Date.now())
    expect((await browser.post('/security/two-step/confirm', { code: await codeFor(secretOnPage(again.text)) })).status).toBe(200)
    expect((await browser.get('/security/two-step/setup')).location).toBe('/security#dos-pasos')
  })
})
