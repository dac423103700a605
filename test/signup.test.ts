import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

const form = (email: string, overrides: Record<string, string> = {}) => ({
  name: 'Luis Andrade',
  email,
  password: PASSWORD,
  password_confirmation: PASSWORD,
  ...overrides,
})

describe('sign-up', () => {
  it('shows the sign-up form in Spanish with the password fields validated inline', async () => {
    const page = await new Browser().get('/signup')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<html lang="es">')
    expect(visibleText(page.text)).toContain('Crear una cuenta')
    expect(page.text).toMatch(/name="password_confirmation"[^>]*hx-post="\/validate\/password"/)
  })

  it('asks to check the inbox and mails a verification link', async () => {
    const email = uniqueEmail()
    const page = await new Browser().post('/signup', form(email))
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Revise su bandeja de entrada')
    expect(visibleText(page.text)).toContain('correo no deseado')
    const mail = lastMailTo(email, 'email-verification')
    expect(mail.subject).toContain('Confirme su correo electrónico')
    expect(linkIn(mail, '/email/verify/')).toMatch(/^\/email\/verify\/[A-Za-z0-9_-]{43}$/)
  })

  it('gives the same answer for an address that already has an account, and mails its owner instead', async () => {
    const { email } = await signedInUser()
    const fresh = await new Browser().post('/signup', form(uniqueEmail()))
    const taken = await new Browser().post('/signup', form(email, { name: 'Intruso' }))
    expect(taken.status).toBe(fresh.status)
    expect(visibleText(taken.text).replace(email, 'X')).toBe(visibleText(fresh.text).replace(/\S+@example\.com/, 'X'))
    expect(lastMailTo(email).tag).toBe('account-exists')
    expect(mailsTo(email, 'email-verification')).toHaveLength(1) // only the original one
  })

  it('shows each problem next to its field and keeps what was typed', async () => {
    const page = await new Browser().post('/signup', { name: '', email: 'no-es-correo', password: '123', password_confirmation: '321' })
    expect(page.status).toBe(422)
    const text = visibleText(page.text)
    expect(text).toContain('Ingrese su nombre.')
    expect(text).toContain('Ingrese un correo electrónico válido')
    expect(text).toContain('La contraseña debe tener al menos 6 caracteres.')
    expect(text).toContain('Las contraseñas no coinciden.')
    expect(page.text).toContain('value="no-es-correo"')
    expect(page.text).toMatch(/id="email"[^>]*aria-invalid="true"/)
  })

  it('creates nothing and sends nothing when the form has errors', async () => {
    const email = uniqueEmail()
    await new Browser().post('/signup', form(email, { password_confirmation: 'otra-cosa' }))
    expect(mailsTo(email)).toHaveLength(0)
    const retry = await new Browser().post('/signup', form(email))
    expect(retry.status).toBe(200)
    expect(mailsTo(email, 'email-verification')).toHaveLength(1)
  })

  it('treats the address case-insensitively', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/signup', form(email.toUpperCase()))
    expect(lastMailTo(email).tag).toBe('account-exists')
  })
})

describe('email verification link', () => {
  it('opening the link only shows a button: it neither verifies nor signs in', async () => {
    const email = uniqueEmail()
    const browser = new Browser()
    await browser.post('/signup', form(email))
    const link = linkIn(lastMailTo(email, 'email-verification'), '/email/verify/')
    const page = await browser.get(link)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('CONFIRMAR MI CORREO')
    expect(browser.cookie('__Host-session')).toBeUndefined()
    // A scanner opening it twice changes nothing: the button still works.
    await browser.get(link)
    const confirmed = await browser.post(link)
    expect(confirmed.status).toBe(303)
    expect(confirmed.location).toBe('/profile?aviso=verificado')
    const profile = await browser.get('/profile?aviso=verificado')
    expect(visibleText(profile.text)).toContain('Su correo electrónico fue confirmado')
  })

  it('a used verification link shows a clear page instead of signing in again', async () => {
    const email = uniqueEmail()
    await new Browser().post('/signup', form(email))
    const link = linkIn(lastMailTo(email, 'email-verification'), '/email/verify/')
    expect((await new Browser().post(link)).status).toBe(303)
    const again = new Browser()
    const page = await again.post(link)
    expect(page.status).toBe(400)
    expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    expect(again.cookie('__Host-session')).toBeUndefined()
    expect((await again.get(link)).status).toBe(400)
  })

  it('a forged or absurdly long verification link gives the invalid-link page, not an error', async () => {
    for (const token of ['x', 'A'.repeat(43), 'A'.repeat(5000), '%00%ff']) {
      const page = await new Browser().get(`/email/verify/${token}`)
      expect(page.status).toBe(400)
      expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    }
  })
})
