import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signInWithPasskey as finishPasskeySignIn, verifyPasskeySignIn } from '../src/auth/passkey-sign-in'
import { hashSecret } from '../src/auth/secrets'
import { clock, MINUTE } from '../src/clock'
import { readConfig } from '../src/config'
import { passkeys, sessions, users } from '../src/db/schema'
import { newSignInMail } from '../src/mail/messages'
import { Browser, db, mailsTo, type Page, signedInUser } from './helpers'
import { addPasskey, json, registrationOptions, signInOptions, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// What the server checks in a passkey ceremony, each check met with a forged
// or replayed answer. Every failure is the same 400 with the same Spanish
// sentence, starts no session and stores nothing: the answer never says which
// check failed.

const SIGN_IN_FAILED = 'No pudimos iniciar sesión con esa llave de acceso. Vuelva a intentarlo, o entre con su contraseña o un enlace de acceso.'
const ADD_FAILED = 'No pudimos agregar la llave de acceso. Vuelva a intentarlo.'

afterEach(() => vi.restoreAllMocks())

/** A person with a passkey, signed out of everything but the browser that registered it. */
async function victim(options: Parameters<typeof SoftAuthenticator.create>[0] = {}) {
  const person = await signedInUser()
  const authenticator = await SoftAuthenticator.create(options)
  expect((await addPasskey(person.browser, authenticator)).status).toBe(200)
  return { ...person, authenticator }
}

function expectRefusedSignIn(page: Page, browser?: Browser) {
  expect(page.status).toBe(400)
  expect(json(page)).toEqual({ error: SIGN_IN_FAILED })
  // No session starts: the answer sets no session cookie, whichever browser sent it.
  expect(page.headers.getSetCookie().filter((line) => /^__(Host|Secure)-session=[^;]/.test(line))).toEqual([])
  if (browser) expect(browser.cookie('__Host-session')).toBeUndefined()
}

function expectRefusedRegistration(page: Page) {
  expect(page.status).toBe(400)
  expect(json(page)).toEqual({ error: ADD_FAILED })
}

async function storedPasskeys(email: string) {
  const user = (await db.select().from(users).where(eq(users.email, email)).get())!
  return db.select().from(passkeys).where(eq(passkeys.userId, user.id))
}

describe('challenges: one try, five minutes, this browser, this ceremony', () => {
  it('a replayed response (the same signed challenge sent twice) signs in once', async () => {
    const { authenticator } = await victim()
    const browser = new Browser()
    const credential = JSON.stringify(await authenticator.assert(await signInOptions(browser)))
    expect((await browser.post('/login/passkey', { credential })).status).toBe(200)
    // Even from the browser it was issued to, with its cookie.
    expectRefusedSignIn(await browser.post('/login/passkey', { credential }))
  })

  it('ten copies of one response sent at once (Promise.all): exactly one session starts', async () => {
    const { authenticator, email } = await victim({ synced: true })
    const browser = new Browser()
    const credential = JSON.stringify(await authenticator.assert(await signInOptions(browser)))
    const user = (await db.select().from(users).where(eq(users.email, email)).get())!
    const before = (await db.select().from(sessions).where(eq(sessions.userId, user.id))).length
    const pages = await Promise.all(Array.from({ length: 10 }, () => browser.post('/login/passkey', { credential })))
    expect(pages.map((page) => page.status).sort()).toEqual([200, ...Array(9).fill(400)])
    expect((await db.select().from(sessions).where(eq(sessions.userId, user.id))).length).toBe(before + 1)
  })

  it('ten copies of one registration response at once: one passkey, one mail', async () => {
    const { browser, email } = await signedInUser()
    const { options } = await registrationOptions(browser)
    const credential = JSON.stringify(await (await SoftAuthenticator.create()).register(options!))
    const pages = await Promise.all(Array.from({ length: 10 }, () => browser.post('/profile/passkeys', { credential })))
    expect(pages.map((page) => page.status).sort()).toEqual([200, ...Array(9).fill(400)])
    expect(await storedPasskeys(email)).toHaveLength(1)
    expect(mailsTo(email, 'passkey-added')).toHaveLength(1)
  })

  it('an expired challenge (older than 5 minutes) is refused, for sign-in and for registration', async () => {
    const { authenticator } = await victim()
    const browser = new Browser()
    const options = await signInOptions(browser)
    const { browser: owner, email } = await signedInUser()
    const registration = await registrationOptions(owner)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 5 * MINUTE + 1000)
    expectRefusedSignIn(await browser.post('/login/passkey', { credential: JSON.stringify(await authenticator.assert(options)) }), browser)
    const late = await owner.post('/profile/passkeys', { credential: JSON.stringify(await (await SoftAuthenticator.create()).register(registration.options!)) })
    expectRefusedRegistration(late)
    expect(await storedPasskeys(email)).toHaveLength(0)
  })

  it('a challenge the server never issued, or none at all, is refused', async () => {
    const { authenticator } = await victim()
    const browser = new Browser()
    await signInOptions(browser) // the browser has a cookie and a live challenge, just not this one
    const madeUp = 'A'.repeat(43)
    expectRefusedSignIn(await browser.post('/login/passkey', { credential: JSON.stringify(await authenticator.assert({ challenge: madeUp })) }), browser)
    expectRefusedSignIn(await browser.post('/login/passkey', { credential: JSON.stringify(await authenticator.assert({ challenge: '' })) }), browser)
  })

  it("another browser's challenge: a response relayed from the browser that asked to one that did not", async () => {
    const { authenticator } = await victim()
    const asked = new Browser()
    const credential = JSON.stringify(await authenticator.assert(await signInOptions(asked)))
    const attacker = new Browser()
    await signInOptions(attacker) // with a webauthn cookie of its own
    expectRefusedSignIn(await attacker.post('/login/passkey', { credential }), attacker)
    expectRefusedSignIn(await new Browser().post('/login/passkey', { credential })) // and with none
    // The challenge was not spent by those tries: the browser that asked still can.
    expect((await asked.post('/login/passkey', { credential })).status).toBe(200)
  })

  it("another ceremony's challenge: a registration challenge cannot sign in, a sign-in challenge cannot register", async () => {
    const { authenticator, browser, email } = await victim()
    const { options } = await registrationOptions(browser)
    expectRefusedSignIn(await browser.post('/login/passkey', { credential: JSON.stringify(await authenticator.assert({ challenge: options!.challenge })) }))
    const signIn = await signInOptions(browser)
    const newcomer = await SoftAuthenticator.create()
    const forged = await newcomer.register({ ...options!, challenge: signIn.challenge })
    expectRefusedRegistration(await browser.post('/profile/passkeys', { credential: JSON.stringify(forged) }))
    expect(await storedPasskeys(email)).toHaveLength(1)
  })

  it("another account's registration challenge, in the same browser, adds nothing to either account", async () => {
    const ana = await signedInUser()
    const { options } = await registrationOptions(ana.browser)
    // Beto signs in on Ana's browser (same __Host-webauthn cookie) and answers Ana's challenge.
    const beto = await signedInUser()
    await ana.browser.post('/login', { email: beto.email, password: beto.password })
    const credential = JSON.stringify(await (await SoftAuthenticator.create()).register(options!))
    expectRefusedRegistration(await ana.browser.post('/profile/passkeys', { credential }))
    expect(await storedPasskeys(ana.email)).toHaveLength(0)
    expect(await storedPasskeys(beto.email)).toHaveLength(0)
  })
})

describe('the response itself', () => {
  it("another user's handle: a passkey that claims to be someone else's account signs no one in", async () => {
    const { authenticator } = await victim()
    const other = await victim()
    const browser = new Browser()
    expectRefusedSignIn(await signInWithPasskey(browser, authenticator, { userHandle: other.authenticator.userHandle }), browser)
    expectRefusedSignIn(await signInWithPasskey(browser, authenticator, { userHandle: null }), browser)
  })

  it('a wrong or look-alike origin is refused, for sign-in and registration; the Host header moves nothing', async () => {
    const { authenticator, browser: owner, email } = await victim()
    for (const origin of ['https://cuentas-ecuabots.test', 'http://cuentas.ecuabots.test', 'https://cuentas.ecuabots.test.evil.example']) {
      const browser = new Browser()
      expectRefusedSignIn(await signInWithPasskey(browser, authenticator, { origin }), browser)
      expectRefusedRegistration(await addPasskey(owner, await SoftAuthenticator.create(), { origin }))
    }
    // A request to another Host (say a proxy passing the attacker's host through) still expects APP_URL's origin and RP ID.
    const evil = new Browser('https://evil.example')
    const options = await signInOptions(evil)
    expect(options.rpId).toBe('cuentas.ecuabots.test')
    const credential = await authenticator.assert(options, { origin: 'https://evil.example', rpId: 'evil.example' })
    expectRefusedSignIn(await evil.post('/login/passkey', { credential: JSON.stringify(credential) }), evil)
    expect(await storedPasskeys(email)).toHaveLength(1)
  })

  it('a wrong RP ID is refused, for sign-in and registration', async () => {
    const { authenticator, browser: owner, email } = await victim()
    for (const rpId of ['ecuabots.test', 'evil.example']) {
      expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator, { rpId }))
      expectRefusedRegistration(await addPasskey(owner, await SoftAuthenticator.create(), { rpId }))
    }
    expect(await storedPasskeys(email)).toHaveLength(1)
  })

  it('a counter that goes backwards or stands still, on an authenticator that counts, is refused (a cloned key)', async () => {
    const { authenticator, email } = await victim({ counter: 10, counting: true })
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200) // 11
    authenticator.counter = 10 // the clone: assert() counts it up to 11 again
    expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator))
    authenticator.counter = 3
    expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator))
    expect((await storedPasskeys(email))[0]!.signCount).toBe(11)
    // A counting authenticator may not fall back to 0 either.
    const synced = await victim({ counter: 4 })
    expectRefusedSignIn(await signInWithPasskey(new Browser(), synced.authenticator))
  })

  it('a response checked while the count was lower starts nothing once a higher count is stored (the batch is guarded by the count)', async () => {
    const { authenticator, email } = await victim({ counter: 1, counting: true })
    const slow = new Browser()
    const late = await authenticator.assert(await signInOptions(slow)) // count 2
    // Checked now, while the stored count is still 1 …
    const checked = await verifyPasskeySignIn(db, readConfig(env), JSON.stringify(late), await hashSecret(slow.cookie('__Host-webauthn')!))
    expect(checked.outcome).toBe('ok')
    // … a faster response with count 3 signs in first …
    expect((await signInWithPasskey(new Browser(), authenticator)).status).toBe(200)
    // … so the slow one's batch finds its guard false and writes nothing.
    const who = { client: { ip: null, userAgent: null, city: null, country: null }, deviceHash: 'd'.repeat(64), method: 'passkey' as const, secondStepDone: true, replaces: null, resetLinkHere: null }
    const notice = { mail: newSignInMail(readConfig(env), who.client, 'passkey'), stream: 'outbound' }
    expect(await finishPasskeySignIn(db, checked as Extract<typeof checked, { outcome: 'ok' }>, { ...who, newDeviceNotice: notice })).toBeNull()
    expect((await storedPasskeys(email))[0]!.signCount).toBe(3)
  })

  it('no user verification (a key that was only touched, not unlocked) is refused, for sign-in and registration', async () => {
    const { authenticator, browser: owner, email } = await victim()
    expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator, { userVerified: false }))
    expectRefusedRegistration(await addPasskey(owner, await SoftAuthenticator.create(), { userVerified: false }))
    expect(await storedPasskeys(email)).toHaveLength(1)
  })

  it('a signature by another key for the same credential id is refused', async () => {
    const { authenticator } = await victim()
    const impostor = await SoftAuthenticator.create()
    Object.assign(impostor, { credentialId: authenticator.credentialId, userHandle: authenticator.userHandle })
    expectRefusedSignIn(await signInWithPasskey(new Browser(), impostor))
  })

  it('a deleted passkey signs no one in', async () => {
    const { authenticator, browser, email } = await victim()
    const [stored] = await storedPasskeys(email)
    await browser.post(`/profile/passkeys/${stored!.id}/delete`)
    expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator))
  })

  it("a passkey of an account that no longer exists signs no one in (its rows go with the account)", async () => {
    const { authenticator, email } = await victim()
    await db.delete(users).where(eq(users.email, email))
    expectRefusedSignIn(await signInWithPasskey(new Browser(), authenticator))
  })

  it('garbage in the credential field is the same 400, never a 500', async () => {
    const browser = new Browser()
    await signInOptions(browser)
    for (const credential of ['', 'null', '{}', '[]', '{"id":1}', '{"id":"x","rawId":"x","type":"public-key","response":{"clientDataJSON":"!!","authenticatorData":"x","signature":"x"}}', 'x'.repeat(5000)]) {
      expectRefusedSignIn(await browser.post('/login/passkey', { credential }))
    }
    const { browser: owner } = await signedInUser()
    await registrationOptions(owner)
    for (const credential of ['', '{}', '{"id":"x","rawId":"x","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}']) {
      expectRefusedRegistration(await owner.post('/profile/passkeys', { credential }))
    }
  })

  it('a cross-site form post to the passkey endpoints is refused before anything is checked', async () => {
    const browser = new Browser()
    expect((await browser.post('/login/passkey', { credential: '{}' }, { Origin: 'https://evil.example' })).status).toBe(403)
    expect((await browser.post('/login/passkey/options', {}, { Origin: 'https://evil.example' })).status).toBe(403)
  })
})
