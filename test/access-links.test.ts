import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateAccessCode, maskEmail } from '../src/auth/access-links'
import { MAILS_PER_ADDRESS } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { oneTimeTokens } from '../src/db/schema'
import { askForLink, Browser, db, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

afterEach(() => vi.restoreAllMocks())

describe('asking for an access link (a link and a code)', () => {
  it('the login window offers "Recibir un enlace de acceso", and so do the forgot-password page and its answer', async () => {
    const login = await new Browser().get('/login')
    expect(login.status).toBe(200)
    expect(login.text).toContain('<a href="/login/email">Recibir un enlace de acceso</a>')
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
    const rows = await db.select().from(oneTimeTokens).where(eq(oneTimeTokens.purpose, 'login'))
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
