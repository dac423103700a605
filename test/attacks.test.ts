import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { signIn } from '../src/auth/authentication'
import { CODE_ATTEMPTS_PER_DAY, LOGIN_FAILURES, MAILS_PER_ADDRESS } from '../src/auth/limits'
import { hashPassword } from '../src/auth/passwords'
import { clock, MINUTE } from '../src/clock'
import { openDatabase } from '../src/db/client'
import { securityEvents, sessions, users } from '../src/db/schema'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

// Issue 10's fifteen attacks, each tried the way an attacker would, each
// failing. (Attacks 5, 10, 11 and 13 have their own files too:
// rate-limits, input-bounds, emails.)

const db = openDatabase(env.DB)
const SQUATTER_PASSWORD = 'clave-del-intruso-7'

afterEach(() => vi.restoreAllMocks())

function codeIn(mail: { text: string }) {
  return mail.text.match(/^\s+(\d{6})$/m)![1]!
}

async function userRow(email: string) {
  return (await db.select().from(users).where(eq(users.email, email)).get())!
}

/** A stranger signs up with someone else's address and a password of his own. */
async function squat(email: string) {
  const squatter = new Browser()
  const page = await squatter.post('/signup', { name: 'Soporte Ecuabots', email, password: SQUATTER_PASSWORD, password_confirmation: SQUATTER_PASSWORD })
  expect(page.status).toBe(200)
  return squatter
}

describe('1. pre-account takeover', () => {
  it('the owner confirming by the link in her own browser locks the squatter out and asks her for a password', async () => {
    const email = uniqueEmail('victima')
    await squat(email)
    const owner = new Browser()
    const confirmed = await owner.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.location).toBe('/profile?aviso=cree-contrasena')
    const profile = await owner.get(confirmed.location!)
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain('Su cuenta aún no tiene contraseña')
    expect(profile.text).not.toContain('name="current_password"')
    const squatterTries = await new Browser().post('/login', { email, password: SQUATTER_PASSWORD })
    expect(squatterTries.status).toBe(401)
    // She chooses her own password and signs in with it.
    const saved = await owner.post('/profile', { name: 'Ana', password: PASSWORD, password_confirmation: PASSWORD })
    expect(saved.status).toBe(303)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('the owner signing in with "Recibir un enlace de acceso" (link or code) locks the squatter out too', async () => {
    for (const door of ['link', 'code'] as const) {
      const email = uniqueEmail('victima')
      await squat(email)
      const owner = new Browser()
      expect((await owner.post('/login/email', { email })).status).toBe(200)
      const mail = lastMailTo(email, 'login-link')
      const signedIn = door === 'link' ? await owner.post(linkIn(mail, '/login/email/')) : await owner.post('/login/code', { code: codeIn(mail) })
      expect(signedIn.status).toBe(303)
      expect(signedIn.location).toBe('/profile?aviso=cree-contrasena')
      expect((await new Browser().post('/login', { email, password: SQUATTER_PASSWORD })).status).toBe(401)
      expect((await userRow(email)).emailVerifiedAt).not.toBeNull()
    }
  })

  it('a reset by the owner replaces the squatter\'s password', async () => {
    const email = uniqueEmail('victima')
    await squat(email)
    const owner = new Browser()
    await owner.post('/password/forgot', { email })
    await owner.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect((await owner.post('/password/reset', { password: PASSWORD, password_confirmation: PASSWORD })).status).toBe(303)
    expect((await new Browser().post('/login', { email, password: SQUATTER_PASSWORD })).status).toBe(401)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('sign-up → confirm in the same browser → sign in with the sign-up password still works in one go', async () => {
    const email = uniqueEmail()
    const browser = new Browser()
    await browser.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    const confirmed = await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.status).toBe(303)
    expect(confirmed.location).toBe('/profile?aviso=verificado')
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('a confirmation mail sent again to the browser that signed up (after a sign-in attempt there) still keeps its password', async () => {
    const email = uniqueEmail()
    const browser = new Browser()
    await browser.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect((await browser.post('/login', { email, password: PASSWORD })).status).toBe(401)
    expect(mailsTo(email, 'email-verification')).toHaveLength(2)
    expect((await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).location).toBe('/profile?aviso=verificado')
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('mails to an unconfirmed address carry no name and say "si no creó esta cuenta, ignore este correo"', async () => {
    const email = uniqueEmail('victima')
    await squat(email)
    await new Browser().post('/password/forgot', { email })
    await new Browser().post('/login/email', { email })
    for (const tag of ['email-verification', 'password-reset', 'login-link']) {
      const mail = lastMailTo(email, tag)
      expect(mail.text).not.toContain('Soporte Ecuabots')
      expect(mail.html).not.toContain('Soporte Ecuabots')
      expect(mail.text).toContain('Si no creó esta cuenta, ignore este correo.')
      expect(mail.text.startsWith('Hola:')).toBe(true)
    }
  })
})

describe('2. parallel guessing', () => {
  it(`48 simultaneous wrong passwords from 48 addresses: only ${LOGIN_FAILURES.limit} are checked, the rest are refused before hashing`, async () => {
    const { email } = await signedInUser()
    const answers = await Promise.all(Array.from({ length: 48 }, () => new Browser().post('/login', { email, password: 'adivinanza-1' })))
    const statuses = answers.map((page) => page.status)
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_FAILURES.limit)
    expect(statuses.filter((status) => status === 429)).toHaveLength(48 - LOGIN_FAILURES.limit)
  })
})

describe('3. enumeration by sign-up, then sign-in', () => {
  it('signing up an address and signing in with the same password answers like an address that already had an account', async () => {
    const { email: taken } = await signedInUser()
    const fresh = uniqueEmail('nueva')
    const password = 'cualquier-cosa-93'
    const answers = []
    for (const email of [taken, fresh]) {
      const browser = new Browser()
      expect((await browser.post('/signup', { name: 'X', email, password, password_confirmation: password })).status).toBe(200)
      answers.push(await browser.post('/login', { email, password }))
    }
    expect(answers.map((page) => page.status)).toEqual([401, 401])
    expect(visibleText(answers[0]!.text)).toBe(visibleText(answers[1]!.text))
  })
})

describe('4. targeted lockout', () => {
  it("strangers' wrong passwords lock strangers out, not the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser() // this browser now holds a device cookie the account knows
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: 'adivinanza' })
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(429) // a new browser waits…
    await owner.post('/logout')
    const back = await owner.post('/login', { email, password: PASSWORD }) // …the owner's own does not
    expect(back.status).toBe(303)
  })

  it("a planted device cookie that the account never saw counts with the strangers", async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: 'adivinanza' })
    const forged = await new Browser().post('/login', { email, password: PASSWORD }, { Cookie: `__Host-device=${'A'.repeat(43)}` })
    expect(forged.status).toBe(429)
  })

  it("strangers asking for mails cannot silence the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 2; i++) await new Browser().post('/login/email', { email })
    const before = mailsTo(email, 'login-link').length
    expect((await owner.post('/login/email', { email })).status).toBe(200)
    expect(mailsTo(email, 'login-link')).toHaveLength(before + 1)
  })

  it('strangers flooding sign-ups and sign-in links cannot silence a reset from a new device', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 2; i++) {
      await new Browser().post('/signup', { name: 'X', email, password: 'otra-clave-55', password_confirmation: 'otra-clave-55' })
      await new Browser().post('/login/email', { email })
    }
    const phone = new Browser()
    await phone.post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await phone.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))).status).toBe(303)
  })

  it('strangers flooding resets leave a live reset link in the mailbox that any browser can use', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 3; i++) await new Browser().post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(MAILS_PER_ADDRESS.limit)
    const phone = new Browser()
    await phone.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect((await phone.post('/password/reset', { password: 'nueva-clave-88', password_confirmation: 'nueva-clave-88' })).status).toBe(303)
  })
})

describe('5. limits keyed like real attackers', () => {
  it('tagged spellings of one mailbox share its budget of "account exists" notes: 12 sign-ups at an existing account put at most 5 in it', async () => {
    const base = uniqueEmail('ana').split('@')
    const spellings = [1, 2].map((i) => `${base[0]}+${i}@${base[1]}`)
    for (const email of spellings) await new Browser().post('/signup', { name: 'Ana', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    // Confirmed: a repeat sign-up of an unconfirmed account re-sends its confirmation instead (signup-answer.test.ts).
    for (const email of spellings) await new Browser().post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    for (let i = 0; i < 12; i++) {
      const email = spellings[i % 2]!
      expect((await new Browser().post('/signup', { name: 'Ana', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })).status).toBe(200)
    }
    const notes = spellings.flatMap((email) => mailsTo(email)).filter((mail) => mail.tag !== 'email-verification')
    expect(notes).toHaveLength(MAILS_PER_ADDRESS.limit)
  })

  it('the per-IP mail cap counts a whole IPv6 /64 as one client', async () => {
    // New addresses signing up: confirmations, which never pass the cap.
    const emails = Array.from({ length: 12 }, () => uniqueEmail('vecino'))
    const prefix = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`
    for (const [i, email] of emails.entries()) {
      const host = { 'CF-Connecting-IP': `${prefix}::${(i + 1).toString(16)}` }
      await new Browser().post('/signup', { name: 'V', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' }, host)
    }
    // 10 mail-causing requests per IP an hour: the /64's 11th and 12th send nothing.
    expect(emails.filter((email) => mailsTo(email, 'email-verification').length === 1)).toHaveLength(10)
  })
})

describe('6. re-authentication guesses on the profile', () => {
  it('wrong current passwords are counted, recorded, and past the limit answered 429 with Retry-After; the session stays', async () => {
    const { browser, email } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // no longer a fresh session
    const tries = []
    for (let i = 0; i <= LOGIN_FAILURES.limit; i++) {
      tries.push(await browser.post('/profile', { name: 'Ana', current_password: `mala-${i}`, password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' }))
    }
    expect(tries.slice(0, -1).map((page) => page.status)).toEqual(Array(LOGIN_FAILURES.limit).fill(422))
    const refused = tries.at(-1)!
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(visibleText(refused.text)).toContain('Demasiados intentos con una contraseña incorrecta')
    const right = await browser.post('/profile', { name: 'Ana', current_password: PASSWORD, password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    expect(right.status).toBe(429) // even the right one waits for the window
    const profile = await browser.get('/security')
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain('Contraseña actual incorrecta en el perfil')
    const user = await userRow(email)
    const events = await db.select().from(securityEvents).where(eq(securityEvents.userId, user.id))
    expect(events.filter((event) => event.type === 'reauthentication_failed')).toHaveLength(LOGIN_FAILURES.limit)
  })

  it('they share the limit with sign-in: ten wrong sign-ins leave a stolen session no guesses', async () => {
    const { browser, email } = await signedInUser()
    const stolen = { Cookie: `__Host-session=${browser.cookie('__Host-session')}` }
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // no longer a fresh session
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: `mala-${i}` })
    await new Browser().post('/login', { email, password: PASSWORD }).then((page) => expect(page.status).toBe(429))
    // The session, copied into a browser the account does not know, has no guesses left either: not even the right password.
    const guess = await new Browser().post('/profile', { name: 'Ana', current_password: PASSWORD, password: 'del-ladron-77', password_confirmation: 'del-ladron-77' }, stolen)
    expect(guess.status).toBe(429)
    expect(visibleText(guess.text)).toContain('Demasiados intentos con una contraseña incorrecta')
  })
})

describe('7. links do not outlive a password change', () => {
  it('a sign-in link mailed before a change on the profile is dead after it; a reset link mailed before it still opens, since a reset is what evicts whoever changed it', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/login/email', { email })
    await new Browser().post('/password/forgot', { email })
    const signInLink = linkIn(lastMailTo(email, 'login-link'), '/login/email/')
    const resetLink = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    expect((await browser.post('/profile', { name: 'Ana', password: 'otra-clave-31', password_confirmation: 'otra-clave-31' })).status).toBe(303)
    const late = await new Browser().post(signInLink)
    expect(late.status).toBe(400)
    expect(visibleText(late.text)).toContain('Este enlace ya no es válido')
    expect((await new Browser().get(resetLink)).status).toBe(303)
  })

  it('a reset spends a sign-in link and code mailed before it', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    await asking.post('/login/email', { email })
    const mail = lastMailTo(email, 'login-link')
    const resetting = new Browser()
    await resetting.post('/password/forgot', { email })
    await resetting.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect((await resetting.post('/password/reset', { password: 'otra-clave-31', password_confirmation: 'otra-clave-31' })).status).toBe(303)
    expect((await new Browser().post(linkIn(mail, '/login/email/'))).status).toBe(400)
    const code = await asking.post('/login/code', { code: codeIn(mail) })
    expect(code.status).toBe(422)
    expect(asking.cookie('__Host-session')).toBeUndefined()
  })
})

describe('8. cookie tossing', () => {
  it('every cookie is __Host-: Secure, Path=/, no Domain', async () => {
    const email = uniqueEmail()
    const browser = new Browser()
    const lines = [
      ...(await browser.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })).headers.getSetCookie(),
      ...(await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).headers.getSetCookie(),
      ...(await browser.post('/login/email', { email })).headers.getSetCookie(),
    ]
    await browser.post('/password/forgot', { email })
    lines.push(...(await browser.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))).headers.getSetCookie())
    expect(lines.length).toBeGreaterThanOrEqual(5)
    for (const line of lines) {
      expect(line).toMatch(/^__Host-/)
      expect(line).toMatch(/; Secure/)
      expect(line).toMatch(/; Path=\/(;|$)/)
      expect(line).not.toMatch(/Domain=/i)
    }
  })

  it('a session cookie planted under the old name by a sibling subdomain is ignored', async () => {
    const { browser } = await signedInUser()
    const token = browser.cookie('__Host-session')!
    const planted = await new Browser().get('/profile', { Cookie: `session=${token}` })
    expect(planted.status).toBe(303)
    expect(planted.location).toMatch(/^\/login/)
  })
})

describe('9. a sign-in racing a reset', () => {
  it('a sign-in whose password was replaced after it was checked starts no session', async () => {
    const { email } = await signedInUser()
    const checked = await userRow(email) // what authenticate read and verified
    await db.update(users).set({ passwordHash: await hashPassword('nueva-clave-12', null) }).where(eq(users.id, checked.id))
    const who = { client: { ip: null, userAgent: null, city: null, country: null }, deviceHash: 'x'.repeat(64), method: 'password' as const, replaces: null, resetLinkHere: null, newDeviceNotice: { mail: { subject: 's', text: 't', html: 'h', tag: 'new-sign-in' }, stream: 'outbound' } }
    const before = await db.select().from(sessions).where(eq(sessions.userId, checked.id))
    expect(await signIn(db, checked, { attemptKey: 'login:carrera', failedSignInKey: 'sign-in:failed:ip:carrera', upgradedHash: 'pbkdf2-sha256$1$0$AA$AA' }, who)).toBeNull()
    expect(await db.select().from(sessions).where(eq(sessions.userId, checked.id))).toHaveLength(before.length)
    expect((await userRow(email)).passwordHash).not.toBe('pbkdf2-sha256$1$0$AA$AA') // the stale rehash wrote nothing either
  })

  it('12 sign-ins with the old password fired while the owner resets: none survives the reset', async () => {
    const { email } = await signedInUser()
    const owner = new Browser()
    await owner.post('/password/forgot', { email })
    await owner.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    const racers = Array.from({ length: 12 }, () => new Browser())
    const [reset, ...signIns] = await Promise.all([
      owner.post('/password/reset', { password: 'nueva-clave-12', password_confirmation: 'nueva-clave-12' }),
      ...racers.map((racer) => racer.post('/login', { email, password: PASSWORD })),
    ])
    expect(reset!.status).toBe(303)
    // 303 (signed in before the reset, then revoked by it), 401 (checked the old hash too late) or 429 (over the attempt limit).
    for (const answer of signIns) expect([303, 401, 429]).toContain(answer.status)
    for (const racer of racers) expect((await racer.get('/profile')).status).toBe(303) // back to /login
    const user = await userRow(email)
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1) // the owner's
    expect((await owner.get('/profile')).status).toBe(200)
  })
})

describe('12. the sign-up name never writes into mails to an address nobody confirmed', () => {
  it('a valid name typed with someone else\'s address is not in the mail she receives', async () => {
    const { email } = await signedInUser({ name: 'Ana Pérez' })
    const bait = 'URGENTE su cuenta será suspendida'
    const stranger = uniqueEmail('otra') // nobody has an account here yet
    expect((await new Browser().post('/signup', { name: bait, email: stranger, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })).status).toBe(200)
    expect((await new Browser().post('/signup', { name: bait, email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })).status).toBe(200)
    const received = [...mailsTo(stranger), ...mailsTo(email)]
    expect(received.map((mail) => mail.tag)).toEqual(['email-verification', 'email-verification', 'account-exists'])
    for (const mail of received) {
      expect(mail.text).not.toContain(bait)
      expect(mail.html).not.toContain(bait)
    }
  })
})

describe('14. login CSRF with the attacker\'s own link', () => {
  async function twoAccounts() {
    const signedIn = await signedInUser({ email: uniqueEmail('bea') })
    const attacker = uniqueEmail('mallory')
    return { browser: signedIn.browser, attacker }
  }

  it('a sign-in link of another account names it, and its button says so before switching', async () => {
    const { browser, attacker } = await twoAccounts()
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    await new Browser().post('/login/email', { email: attacker })
    const link = linkIn(lastMailTo(attacker, 'login-link'), '/login/email/')
    const page = await browser.get(link)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(`Este enlace es de la cuenta m•••${attacker.split('@')[0]!.at(-1)}@example.com`)
    const pressed = await browser.post(link) // a form without the confirmation (e.g. auto-submitted by another site's page is refused by CSRF; this is the old button)
    expect(pressed.status).toBe(409)
    expect(visibleText(pressed.text)).toContain('Ahora tiene abierta la sesión de b•••')
    expect((await browser.get('/profile')).status).toBe(200)
    const confirmed = await browser.post(link, { switch: '1' })
    expect(confirmed.status).toBe(303)
  })

  it('a confirmation link and a reset link of another account do the same', async () => {
    const { browser, attacker } = await twoAccounts()
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    const verify = linkIn(lastMailTo(attacker, 'email-verification'), '/email/verify/')
    const verifyPage = await browser.get(verify)
    expect(visibleText(verifyPage.text)).toContain('Cuenta: m•••')
    expect(visibleText(verifyPage.text)).toContain('Ahora tiene abierta la sesión de b•••')
    expect((await browser.post(verify)).status).toBe(409)
    await new Browser().post('/password/forgot', { email: attacker })
    await browser.get(linkIn(lastMailTo(attacker, 'password-reset'), '/password/reset/'))
    const reset = await browser.post('/password/reset', { password: 'otra-clave-31', password_confirmation: 'otra-clave-31' })
    expect(reset.status).toBe(409)
    expect(visibleText(reset.text)).toContain('Cuenta: m•••')
    const profile = await browser.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).toContain('bea-')
    expect((await new Browser().post('/login', { email: attacker, password: 'otra-clave-31' })).status).toBe(401) // nothing was changed
  })

  it('the pages name the account even when nobody is signed in', async () => {
    const email = uniqueEmail('ana')
    await new Browser().post('/signup', { name: 'A', email, password: PASSWORD, password_confirmation: PASSWORD })
    const page = await new Browser().get(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toMatch(/Cuenta: a•••[0-9a-f]@example\.com/)
    expect(visibleText(page.text)).not.toContain('Ahora tiene abierta la sesión')
  })
})

describe('15. smaller defects', () => {
  it('a POST to a dead sign-in or confirmation link, or a wrong code, leaves the current session alone', async () => {
    const { browser, email } = await signedInUser()
    expect((await browser.post(`/login/email/${'Z'.repeat(43)}`)).status).toBe(400)
    expect((await browser.post(`/email/verify/${'Z'.repeat(43)}`)).status).toBe(400)
    await browser.post('/login/email', { email })
    expect((await browser.post('/login/code', { code: '000000' === codeIn(lastMailTo(email, 'login-link')) ? '111111' : '000000' })).status).toBe(422)
    expect((await browser.get('/profile')).status).toBe(200)
  })

  it('HEAD works wherever GET does', async () => {
    const { browser } = await signedInUser()
    // Public pages as a visitor sees them (a signed-in browser may be sent on from some), the profile as its owner does.
    const visitor = new Browser()
    const pages: [Browser, string][] = [[browser, '/profile'], [browser, '/security'], ...['/login', '/signup', '/password/forgot', '/login/email', '/.well-known/security.txt'].map((path): [Browser, string] => [visitor, path])]
    for (const [who, path] of pages) {
      const page = await who.request(path, { method: 'HEAD' })
      expect(page.status, path).toBe(200)
      expect(page.text).toBe('')
      expect((await who.get(path)).status, path).toBe(200)
    }
  })

  it('a sliding session re-sends its cookie when the server extends it', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 20 * 24 * 60 * MINUTE)
    const page = await browser.get('/profile')
    expect(page.status).toBe(200)
    const cookie = page.headers.getSetCookie().find((line) => line.startsWith('__Host-session='))
    expect(cookie).toMatch(/Max-Age=2592000/)
  })

  /** Strangers spend an account's daily code attempts: one request every 16 minutes (the mail budget allows 5 per 15), 4 wrong codes each. */
  async function useUpCodes(email: string, start: number) {
    for (let request = 0; request < CODE_ATTEMPTS_PER_DAY.limit / 4; request++) {
      vi.spyOn(clock, 'now').mockReturnValue(start + request * 16 * MINUTE)
      const stranger = new Browser()
      await stranger.post('/login/email', { email })
      for (let i = 0; i < 4; i++) await stranger.post('/login/code', { code: '000000' })
    }
    vi.spyOn(clock, 'now').mockReturnValue(start + (CODE_ATTEMPTS_PER_DAY.limit / 4) * 16 * MINUTE)
  }

  it(`codes stop working for an account after ${CODE_ATTEMPTS_PER_DAY.limit} attempts in a day across requests; links still work, and so does the owner's own browser`, async () => {
    const { browser: owner, email } = await signedInUser()
    await owner.post('/logout')
    await useUpCodes(email, Date.now())
    const asking = new Browser()
    await asking.post('/login/email', { email })
    const mail = lastMailTo(email, 'login-link')
    expect(mailsTo(email, 'login-link')).toHaveLength(CODE_ATTEMPTS_PER_DAY.limit / 4 + 1)
    const right = await asking.post('/login/code', { code: codeIn(mail) })
    expect(right.status).toBe(422) // reads like a wrong code: the ceiling must not show
    expect(asking.cookie('__Host-session')).toBeUndefined()
    const link = await new Browser().post(linkIn(mail, '/login/email/'))
    expect(link.status).toBe(303)
    expect(link.location).toBe('/profile')
    // The browser she signed in from before has a ceiling of its own.
    await owner.post('/login/email', { email })
    const own = await owner.post('/login/code', { code: codeIn(lastMailTo(email, 'login-link')) })
    expect(own.status).toBe(303)
    expect(own.location).toBe('/profile')
  })

  it('past the ceiling, wrong codes for a known address read exactly like those for an unknown one', async () => {
    const { email: known } = await signedInUser()
    const unknown = uniqueEmail('nadie')
    const start = Date.now()
    const answers = []
    for (const email of [known, unknown]) {
      await useUpCodes(email, start)
      const stranger = new Browser()
      await stranger.post('/login/email', { email })
      answers.push(await stranger.post('/login/code', { code: '000000' }))
    }
    expect(answers.map((page) => page.status)).toEqual([422, 422])
    expect(visibleText(answers[0]!.text)).toBe(visibleText(answers[1]!.text))
  })

  it('the confirmation, reset and "Continuar como" pages name the account they act on', async () => {
    const { email } = await signedInUser({ email: uniqueEmail('carla') })
    await new Browser().post('/password/forgot', { email })
    const resetting = new Browser()
    await resetting.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect(visibleText((await resetting.get('/password/reset')).text)).toMatch(/Cuenta: c•••[0-9a-f]@example\.com/)
    await new Browser().post('/login/email', { email })
    const continueAs = await new Browser().get(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(visibleText(continueAs.text)).toMatch(/Cuenta: c•••[0-9a-f]@example\.com/)
  })
})

// Found by an independent attacker's review of the change, each proved with
// requests before it was fixed.
describe('review: what the first round missed', () => {
  const bait = 'Soporte Ecuabots: llame ya al 0999-000-111'

  it("a squatter's sign-up name does not survive the owner's claim (reset or sign-in link)", async () => {
    for (const claim of ['reset', 'link'] as const) {
      const email = uniqueEmail('victima')
      await new Browser().post('/signup', { name: bait, email, password: SQUATTER_PASSWORD, password_confirmation: SQUATTER_PASSWORD })
      const owner = new Browser()
      if (claim === 'reset') {
        await owner.post('/password/forgot', { email })
        await owner.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
        expect((await owner.post('/password/reset', { password: PASSWORD, password_confirmation: PASSWORD })).status).toBe(303)
        expect(lastMailTo(email, 'password-changed').text).not.toContain(bait)
      } else {
        await owner.post('/login/email', { email })
        expect((await owner.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))).status).toBe(303)
      }
      expect((await userRow(email)).name).toBe('')
      await new Browser().post('/login/email', { email })
      expect(lastMailTo(email, 'login-link').text).not.toContain(bait)
      expect(lastMailTo(email, 'login-link').text.startsWith('Hola:')).toBe(true)
    }
  })

  it('after a reset, browsers that signed in before count with the strangers, and their next sign-in is announced', async () => {
    const { email } = await signedInUser()
    const old = new Browser() // someone who had the password once
    expect((await old.post('/login', { email, password: PASSWORD })).status).toBe(303)
    await old.post('/logout')
    const owner = new Browser()
    await owner.post('/password/forgot', { email })
    await owner.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect((await owner.post('/password/reset', { password: 'nueva-clave-44', password_confirmation: 'nueva-clave-44' })).status).toBe(303)
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: `x-${i}` })
    expect((await old.post('/login', { email, password: 'adivinanza' })).status).toBe(429)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 16 * MINUTE)
    const before = mailsTo(email, 'new-sign-in').length
    expect((await old.post('/login', { email, password: 'nueva-clave-44' })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(before + 1)
    await owner.post('/logout') // the browser that reset is still the owner's own
    expect((await owner.post('/login', { email, password: 'nueva-clave-44' })).status).toBe(303)
  })

  it('an account without a password yet takes its first one only from a fresh sign-in', async () => {
    const email = uniqueEmail('sinclave')
    await new Browser().post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    const laptop = new Browser()
    expect((await laptop.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).location).toBe('/profile?aviso=cree-contrasena')
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 20 * 24 * 60 * MINUTE)
    const stale = await laptop.post('/profile', { name: 'Ana', password: 'clave-del-ladron-5', password_confirmation: 'clave-del-ladron-5' })
    expect(stale.status).toBe(422)
    expect(visibleText(stale.text)).toContain('vuelva a entrar con un enlace de acceso')
    expect((await new Browser().post('/login', { email, password: 'clave-del-ladron-5' })).status).toBe(401)
  })

  it('both spellings of an internationalised domain are one mailbox: one account, one budget', async () => {
    const tag = crypto.randomUUID().slice(0, 6)
    const [unicode, ascii] = [`ana${tag}@bücher.example`, `ana${tag}@xn--bcher-kva.example`]
    await new Browser().post('/signup', { name: 'A', email: unicode, password: PASSWORD, password_confirmation: PASSWORD })
    await new Browser().post(linkIn(lastMailTo(ascii, 'email-verification'), '/email/verify/')) // confirmed: a pending one would get its confirmation again
    await new Browser().post('/signup', { name: 'A', email: ascii, password: PASSWORD, password_confirmation: PASSWORD })
    expect(mailsTo(ascii).map((mail) => mail.tag)).toEqual(['email-verification', 'account-exists'])
    expect(mailsTo(unicode)).toHaveLength(0) // stored and mailed in its DNS form
  })

  it("a confirmation sent again after a right password does not spend the IP's mail budget (it would tell the account exists)", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`
    const target = uniqueEmail('nueva')
    const attacker = new Browser()
    await attacker.post('/signup', { name: 'X', email: target, password: 'cualquier-cosa-93', password_confirmation: 'cualquier-cosa-93' }, { 'CF-Connecting-IP': ip })
    expect((await attacker.post('/login', { email: target, password: 'cualquier-cosa-93' }, { 'CF-Connecting-IP': ip })).status).toBe(401)
    expect(mailsTo(target, 'email-verification')).toHaveLength(2)
    // His own account, from the same IP: the IP's 10 mails an hour minus the sign-up's one = 9 still go out.
    const { email: own } = await signedInUser()
    const before = mailsTo(own).length
    for (let i = 0; i < 5; i++) await new Browser().post('/password/forgot', { email: own }, { 'CF-Connecting-IP': ip })
    for (let i = 0; i < 4; i++) await new Browser().post('/login/email', { email: own }, { 'CF-Connecting-IP': ip })
    expect(mailsTo(own).length - before).toBe(9)
  })

  it("the switch warning tells apart two accounts that mask alike", async () => {
    const tag = crypto.randomUUID().slice(0, 6)
    const { browser } = await signedInUser({ email: `bea${tag}x@gmail.com` })
    const attacker = `bmallory${tag}x@gmail.com`
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    await new Browser().post('/login/email', { email: attacker })
    const page = visibleText((await browser.get(linkIn(lastMailTo(attacker, 'login-link'), '/login/email/'))).text)
    expect(page).toContain(`Ahora tiene abierta la sesión de bea${tag}x@gmail.com. Este enlace es de la cuenta ${attacker}`)
  })

  it("a stranger behind the same IP cannot silence the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser()
    await owner.post('/logout')
    const shared = { 'CF-Connecting-IP': `203.0.113.${Math.floor(Math.random() * 250) + 1}` }
    for (let i = 0; i < 10; i++) await new Browser().post('/password/forgot', { email: uniqueEmail('basura') }, shared)
    await owner.post('/password/forgot', { email }, shared)
    await owner.post('/login/email', { email }, shared)
    await owner.post('/password/forgot', { email }, shared) // her browser's own budget, not the first of a window
    expect(mailsTo(email, 'password-reset')).toHaveLength(2)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
    // A new browser on that IP gets the first reset of the account's shared window, and then waits.
    await new Browser().post('/password/forgot', { email }, shared)
    expect(mailsTo(email, 'password-reset')).toHaveLength(3)
    await new Browser().post('/password/forgot', { email }, shared)
    expect(mailsTo(email, 'password-reset')).toHaveLength(3)
  })
})
