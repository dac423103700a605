import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { Browser, codeIn, lastMailTo, linkIn, mailsTo, PASSWORD, resetPassword, signedInUser, uniqueEmail, userRow, visibleText } from './helpers'

// An address nobody has confirmed yet: a stranger who signs up with it first
// (a squatter) gains nothing once the owner claims it, the name he typed
// never reaches her mails, and signing up answers alike whether or not the
// address already had an account.

afterEach(() => vi.restoreAllMocks())

const SQUATTER_PASSWORD = 'clave-del-intruso-7'

/** A stranger signs up with someone else's address and a password of his own. */
async function squat(email: string) {
  const squatter = new Browser()
  const page = await squatter.post('/signup', { name: 'Soporte Ecuabots', email, password: SQUATTER_PASSWORD, password_confirmation: SQUATTER_PASSWORD })
  expect(page.status).toBe(200)
  return squatter
}

describe('pre-account takeover', () => {
  const bait = 'Soporte Ecuabots: llame ya al 0999-000-111'

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
    expect((await resetPassword(owner, email, PASSWORD)).status).toBe(303)
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

  it("a squatter's sign-up name does not survive the owner's claim (reset or sign-in link)", async () => {
    for (const claim of ['reset', 'link'] as const) {
      const email = uniqueEmail('victima')
      await new Browser().post('/signup', { name: bait, email, password: SQUATTER_PASSWORD, password_confirmation: SQUATTER_PASSWORD })
      const owner = new Browser()
      if (claim === 'reset') {
        expect((await resetPassword(owner, email, PASSWORD)).status).toBe(303)
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
})

describe('the sign-up name never writes into mails to an address nobody confirmed', () => {
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

describe('enumeration by sign-up, then sign-in', () => {
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
