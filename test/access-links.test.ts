import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateAccessCode, maskEmail } from '../src/auth/access-links'
import { MAILS_PER_ADDRESS } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { openDatabase } from '../src/db/client'
import { oneTimeTokens } from '../src/db/schema'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText, type SentMail } from './helpers'

afterEach(() => vi.restoreAllMocks())

/** Asks for a link and code from `browser`; returns the mail's link path and code. */
async function askForLink(email: string, browser = new Browser(), extra: Record<string, string> = {}) {
  const page = await browser.post('/login/email', { email, ...extra })
  const mail = mailsTo(email, 'login-link').at(-1)
  return { page, mail, link: mail && linkIn(mail, '/login/email/'), code: mail && codeIn(mail) }
}

function codeIn(mail: SentMail): string {
  return mail.text.match(/^\s{4}(\d{6})$/m)![1]!
}

const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

describe('asking for an access link (a link and a code)', () => {
  it('the login window offers "Recibir un enlace de acceso", and so do the forgot-password page and its answer', async () => {
    const login = await new Browser().get('/login')
    expect(login.status).toBe(200)
    expect(login.text).toMatch(/<a href="\/login\/email" data-carry-email[^>]*>Recibir un enlace de acceso<\/a>/) // the script carries the typed address
    const forgot = await new Browser().get('/password/forgot')
    expect(forgot.status).toBe(200)
    expect(forgot.text).toContain('href="/login/email?from=forgot"')
    const answer = await new Browser().post('/password/forgot', { email: uniqueEmail() })
    expect(answer.status).toBe(200)
    expect(answer.text).toContain('href="/login/email?from=forgot"')
    const form = await new Browser().get('/login/email')
    expect(form.status).toBe(200)
    expect(form.text).toContain('name="email"')
  })

  it('known and unknown addresses get identical answers, and only the known one gets mail', async () => {
    const { email } = await signedInUser()
    const nobody = uniqueEmail('nadie')
    const known = await new Browser().post('/login/email', { email })
    const unknown = await new Browser().post('/login/email', { email: nobody })
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect(visibleText(known.text).replace(email, 'X')).toBe(visibleText(unknown.text).replace(nobody, 'X'))
    expect(visibleText(known.text)).toContain('le enviamos el correo «Su enlace de acceso»')
    expect(known.headers.getSetCookie().some((line) => line.startsWith('__Host-login_request='))).toBe(true)
    expect(unknown.headers.getSetCookie().some((line) => line.startsWith('__Host-login_request='))).toBe(true)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
    expect(mailsTo(nobody)).toHaveLength(0)
  })

  it('the answer page has the code field for this device', async () => {
    const { email } = await signedInUser()
    const { page } = await askForLink(email)
    expect(page.status).toBe(200)
    const input = page.text.match(/<input id="code"[^>]*>/)![0]
    expect(input).toContain('name="code"')
    expect(input).toContain('autocomplete="one-time-code"')
    expect(input).toContain('inputmode="numeric"')
  })

  it('the mail has the link, a large code, the lifetime, "si no fue usted" and "nunca le pedirá su contraseña"', async () => {
    const { email } = await signedInUser({ name: 'Rosa Vera' })
    const { mail, code } = await askForLink(email)
    expect(mail!.subject).toContain('Su enlace de acceso')
    expect(code).toMatch(/^\d{6}$/)
    for (const body of [mail!.text, mail!.html]) {
      expect(body).toContain(code!)
      expect(body).toContain('vencen en 15 minutos')
      expect(body).toContain('Si no fue usted, ignore este correo')
      expect(body).toContain('Ecuabots nunca le pedirá su contraseña.')
      expect(body).toMatch(/https:\/\/cuentas\.ecuabots\.test\/login\/email\/[A-Za-z0-9_-]{43}/)
    }
    expect(mail!.html).toMatch(/font-size:32px[^>]*>\s*\d{6}/)
  })

  it('throttles access links per address: past 5 in 15 minutes (the sign-up confirmation not counted) the page is unchanged and no mail is sent', async () => {
    const { email } = await signedInUser() // its confirmation counts on the mailbox's other budget, not on the access links'
    expect(MAILS_PER_ADDRESS.limit).toBe(5)
    const pages = []
    for (let i = 0; i < 7; i++) pages.push(await new Browser().post('/login/email', { email }))
    expect(new Set(pages.map((p) => p.status))).toEqual(new Set([200]))
    expect(new Set(pages.map((p) => visibleText(p.text))).size).toBe(1)
    expect(mailsTo(email)).toHaveLength(6)
    expect(mailsTo(email, 'login-link')).toHaveLength(5)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 16 * MINUTE)
    await new Browser().post('/login/email', { email })
    expect(mailsTo(email, 'login-link')).toHaveLength(6) // a new window
  })

  it('throttles mails per IP: past 10 in an hour only an account\'s first access link of its 15 minutes is sent, whichever addresses are asked', async () => {
    const people = await Promise.all(Array.from({ length: 12 }, () => signedInUser()))
    for (const { email } of people) await new Browser().post('/login/email', { email }) // each window begun elsewhere
    const attacker = new Browser()
    for (const { email } of people) expect((await attacker.post('/login/email', { email })).status).toBe(200)
    const mailedTwice = people.filter(({ email }) => mailsTo(email, 'login-link').length === 2)
    expect(mailedTwice).toHaveLength(10)
    // Over the cap, an account whose window has not begun still gets its first link (a shared IP cannot silence it); only that one.
    const fresh = await signedInUser()
    await attacker.post('/login/email', { email: fresh.email })
    await attacker.post('/login/email', { email: fresh.email })
    expect(mailsTo(fresh.email, 'login-link')).toHaveLength(1)
  })

  it('a malformed address gets a clear message', async () => {
    const page = await new Browser().post('/login/email', { email: 'ana@' })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('Ingrese un correo electrónico válido')
  })
})

describe('the link (opened on another device)', () => {
  it('opening it changes nothing: it shows "Cuenta: a•••@…" and one button', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email)
    const phone = new Browser()
    const page = await phone.get(link!)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(`Cuenta: ${maskEmail(email)}`)
    expect(phone.cookie('__Host-session')).toBeUndefined()
    await phone.get(link!) // a scanner, twice
    const signedIn = await phone.post(link!)
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile')
    expect((await phone.get('/profile')).status).toBe(200)
  })

  it('signs in on a fresh session: the profile lets the password change without asking for the current one', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email)
    const phone = new Browser()
    const signedIn = await phone.post(link!)
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile')
    const profile = await phone.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).toContain('name="password"') // the profile's password fields are there…
    expect(profile.text).not.toContain('name="current_password"') // …without the current-password one
  })

  it('confirms the address, drops the password chosen at sign-up and asks for a new one on the profile', async () => {
    const email = uniqueEmail()
    await new Browser().post('/signup', { name: 'Sin Verificar', email, password: PASSWORD, password_confirmation: PASSWORD })
    const { link } = await askForLink(email)
    const owner = new Browser()
    const signedIn = await owner.post(link!)
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile?aviso=cree-contrasena')
    const profile = await owner.get(signedIn.location!)
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain('Su cuenta aún no tiene contraseña')
    // Whoever typed the sign-up password never showed the mailbox was theirs: it no longer opens the account.
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(401)
  })

  it('a used link shows a clear page with a way to ask for a new one', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email)
    await new Browser().post(link!)
    for (const page of [await new Browser().get(link!), await new Browser().post(link!)]) {
      expect(page.status).toBe(400)
      expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
      expect(page.text).toContain('href="/login/email"')
    }
  })

  it('an expired link (after 15 minutes) shows the same clear page', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 15 * MINUTE + 1000)
    for (const page of [await new Browser().get(link!), await new Browser().post(link!)]) {
      expect(page.status).toBe(400)
      expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    }
  })

  it('concurrent POSTs of one link sign in at most once', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email)
    const results = await Promise.all([new Browser().post(link!), new Browser().post(link!), new Browser().post(link!)])
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400])
  })

  it('using the link spends the code too: the right code then reads "Código incorrecto o vencido"', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { link, code } = await askForLink(email, asking)
    expect((await new Browser().post(link!)).status).toBe(303)
    const page = await asking.post('/login/code', { code: code! })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('El código es incorrecto, venció o ya se usó.')
    expect(asking.cookie('__Host-session')).toBeUndefined()
  })

  it('a forged link gives the invalid-link page', async () => {
    const forged = `/login/email/${'Z'.repeat(43)}`
    for (const page of [await new Browser().get(forged), await new Browser().post(forged)]) {
      expect(page.status).toBe(400)
      expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    }
  })
})

describe('the code (typed on the asking device)', () => {
  it('signs in the browser that asked', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    const page = await asking.post('/login/code', { code: code! })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/profile')
    expect(asking.cookie('__Host-login_request')).toBeUndefined()
    expect((await asking.get('/profile')).status).toBe(200)
  })

  it('does not work in another browser', async () => {
    const { email } = await signedInUser()
    const { code } = await askForLink(email)
    const other = new Browser()
    await other.post('/login/email', { email: uniqueEmail() }) // has a cookie of its own
    const page = await other.post('/login/code', { code: code! })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('El código es incorrecto, venció o ya se usó.')
    expect(other.cookie('__Host-session')).toBeUndefined()
  })

  it('a wrong code says how many attempts are left; 5 wrong codes kill the code, even the right one, but not the mailed link', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code, link } = await askForLink(email, asking)
    for (const left of [4, 3, 2, 1]) {
      const page = await asking.post('/login/code', { code: wrongCodeFor(code!) })
      expect(page.status).toBe(422)
      expect(visibleText(page.text)).toContain(left === 1 ? 'Le queda 1 intento.' : `Le quedan ${left} intentos.`)
    }
    const fifth = await asking.post('/login/code', { code: wrongCodeFor(code!) })
    expect(fifth.status).toBe(303)
    expect(fifth.location).toBe('/login/code/vencido')
    const dead = await asking.get(fifth.location!)
    expect(dead.status).toBe(200)
    expect(visibleText(dead.text)).toContain('Este código ya no es válido')
    const right = await asking.post('/login/code', { code: code! })
    expect(right.status).toBe(303)
    expect(right.location).toBe('/login/code/vencido')
    expect(asking.cookie('__Host-session')).toBeUndefined()
    expect((await new Browser().get(link!)).status).toBe(200) // the link is a secret only the mailbox holds: it still works
  })

  it('a code for an unknown address answers exactly like one for a known address', async () => {
    const { email } = await signedInUser()
    const knownBrowser = new Browser()
    const unknownBrowser = new Browser()
    await knownBrowser.post('/login/email', { email })
    await unknownBrowser.post('/login/email', { email: uniqueEmail('nadie') })
    const wrong = wrongCodeFor(codeIn(lastMailTo(email, 'login-link')))
    for (let attempt = 1; attempt <= 5; attempt++) {
      const known = await knownBrowser.post('/login/code', { code: wrong })
      const unknown = await unknownBrowser.post('/login/code', { code: wrong })
      // Four "wrong code" answers, then the way to the dead-request page: for both alike.
      expect(known.status).toBe(attempt < 5 ? 422 : 303)
      if (attempt < 5) expect(visibleText(known.text)).toContain('El código es incorrecto, venció o ya se usó.')
      else expect(known.location).toBe('/login/code/vencido')
      expect(unknown.status).toBe(known.status)
      expect(unknown.location).toBe(known.location)
      expect(visibleText(unknown.text)).toBe(visibleText(known.text))
    }
  })

  it('is single use: after signing in, the same code reads "Código incorrecto o vencido"', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code, link } = await askForLink(email, asking)
    const cookie = asking.cookie('__Host-login_request')!
    expect((await asking.post('/login/code', { code: code! })).status).toBe(303)
    const replaying = new Browser()
    const replay = await replaying.post('/login/code', { code: code! }, { Cookie: `__Host-login_request=${cookie}` })
    expect(replay.status).toBe(422)
    expect(visibleText(replay.text)).toContain('El código es incorrecto, venció o ya se usó.')
    expect(replaying.cookie('__Host-session')).toBeUndefined()
    expect((await new Browser().get(link!)).status).toBe(400) // and the link is spent too
  })

  it('expires with the link after 15 minutes', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 15 * MINUTE + 1000)
    const page = await asking.post('/login/code', { code: code! })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login/code/vencido')
    expect(asking.cookie('__Host-session')).toBeUndefined()
    const htmx = await askForLink(email, asking) // asked at +15 min, expires at +30
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 30 * MINUTE + 2000)
    const inPlace = await asking.post('/login/code', { code: htmx.code! }, { 'HX-Request': 'true' })
    expect(inPlace.status).toBe(200)
    expect(inPlace.headers.get('HX-Redirect')).toBe('/login/code/vencido')
  })

  it('with htmx, a wrong code swaps only the message and the right one redirects the page', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const form = await asking.post('/login/email', { email: uniqueEmail('forma') })
    expect(form.status).toBe(200)
    expect(form.text).toContain('hx-target="#code-feedback" hx-swap="innerHTML"')
    expect(form.text).toContain('<div id="code-feedback" class="feedback" aria-live="polite"></div>')
    const { code } = await askForLink(email, asking)
    const wrong = await asking.post('/login/code', { code: wrongCodeFor(code!) }, { 'HX-Request': 'true' })
    expect(wrong.status).toBe(422)
    // Only the message: htmx puts it inside the live region that stays in the page (innerHTML), next to a way to a new code.
    expect(wrong.text).toBe('<p class="error">El código es incorrecto, venció o ya se usó. Le quedan 4 intentos. <a href="/login/email">Pedir un código nuevo</a></p>')

    const right = await asking.post('/login/code', { code: code! }, { 'HX-Request': 'true' })
    expect(right.status).toBe(200)
    expect(right.headers.get('HX-Redirect')).toBe('/profile')
    expect((await asking.get('/profile')).status).toBe(200)
  })

  it('a code that is not 6 digits is refused without counting an attempt', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    for (const bad of ['', '12345', 'abcdef', '1234567']) {
      const page = await asking.post('/login/code', { code: bad })
      expect(page.status).toBe(422)
      expect(visibleText(page.text)).toContain('Ingrese los 6 dígitos del código.')
    }
    expect((await asking.post('/login/code', { code: code! })).status).toBe(303)
  })

  it('without the request cookie, a code leads to the expired page', async () => {
    const browser = new Browser()
    const page = await browser.post('/login/code', { code: '123456' })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login/code/vencido')
    const dead = await browser.get(page.location!)
    expect(dead.status).toBe(200)
    expect(visibleText(dead.text)).toContain('Pedir un enlace de acceso nuevo')
  })
})

describe('coming from "Olvidé mi contraseña"', () => {
  it('signing in by link shows the profile with a prompt to set a new password', async () => {
    const { email } = await signedInUser()
    const { link } = await askForLink(email, new Browser(), { from: 'forgot' })
    const phone = new Browser()
    const page = await phone.post(link!)
    expect(page.status).toBe(303)
    expect(page.location).toBe('/profile?aviso=elija-contrasena')
    const profile = await phone.get(page.location!)
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain('elija una nueva aquí abajo')
    const saved = await phone.post('/profile', { name: 'Ana', password: 'nueva-clave-1', password_confirmation: 'nueva-clave-1' })
    expect(saved.status).toBe(303)
  })
})

describe('access-link request storage', () => {
  it('stores only hashes: no link secret, no code, no browser secret', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { link, code } = await askForLink(email, asking)
    const rows = await openDatabase(env.DB).select().from(oneTimeTokens).where(eq(oneTimeTokens.purpose, 'login'))
    const dump = JSON.stringify(rows)
    expect(dump).not.toContain(link!.split('/').at(-1)!)
    expect(dump).not.toContain(asking.cookie('__Host-login_request')!)
    expect(rows.every((row) => row.codeHash !== code)).toBe(true)
  })

  it('codes are six digits, uniformly spread', () => {
    const counts = new Array(10).fill(0)
    for (let i = 0; i < 2000; i++) {
      const code = generateAccessCode()
      expect(code).toMatch(/^\d{6}$/)
      counts[Number(code[0])]++
    }
    for (const count of counts) expect(count).toBeGreaterThan(120) // ~200 expected each
  })
})
