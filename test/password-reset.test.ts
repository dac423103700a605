import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, HOUR } from '../src/clock'
import { Browser, lastMailTo, mailsTo, PASSWORD, requestReset, signedInUser, uniqueEmail, visibleText } from './helpers'

const NEW_PASSWORD = 'otra-clave-2026'

afterEach(() => vi.restoreAllMocks())

describe('forgot password', () => {
  it('shows the form with the blue button "ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO"', async () => {
    const page = await new Browser().get('/password/forgot')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/<button class="button" type="submit">ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO<\/button>/)
    expect(page.text).toContain('autocomplete="email"')
  })

  it('gives the same answer for a known and an unknown address, and mails only the known one', async () => {
    const { email } = await signedInUser()
    const nobody = uniqueEmail('nadie')
    const known = await new Browser().post('/password/forgot', { email })
    const unknown = await new Browser().post('/password/forgot', { email: nobody })
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    expect(visibleText(known.text).replace(email, 'X')).toBe(visibleText(unknown.text).replace(nobody, 'X'))
    expect(visibleText(known.text)).toContain('correo no deseado o spam')
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect(mailsTo(nobody)).toHaveLength(0)
  })

  it('the reset mail says how long the link lasts, what to do if it was not you, and that we never ask for the password', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/password/forgot', { email })
    const mail = lastMailTo(email, 'password-reset')
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('Este enlace vence en 1 hora')
      expect(body).toContain('Si no fue usted, ignore este correo')
      expect(body).toContain('Ecuabots nunca le pedirá su contraseña.')
      expect(body).toMatch(/https:\/\/cuentas\.ecuabots\.test\/password\/reset\/[A-Za-z0-9_-]{43}/)
    }
  })

  it('a malformed address is shown next to the field and nothing is sent', async () => {
    const page = await new Browser().post('/password/forgot', { email: 'ana@' })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('Ingrese un correo electrónico válido')
  })
})

describe('reset link', () => {
  it('moves the token out of the address bar into an HttpOnly cookie and redirects', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    const link = await requestReset(email, browser)
    const opened = await browser.get(link)
    expect(opened.status).toBe(303)
    expect(opened.location).toBe('/password/reset')
    const cookie = opened.headers.getSetCookie().find((line) => line.startsWith('__Host-password_reset='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Path=\/;/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).not.toMatch(/Domain=/i)
    expect(opened.headers.get('Referrer-Policy')).toBe('no-referrer')
    const form = await browser.get('/password/reset')
    expect(form.status).toBe(200)
    expect(form.text).not.toContain(link.split('/').at(-1)!)
    expect(visibleText(form.text)).toContain('al menos 6 caracteres')
  })

  it('opening the link (as a mail scanner would) does not spend it', async () => {
    const { email } = await signedInUser()
    const link = await requestReset(email)
    await new Browser().get(link) // the scanner
    const person = new Browser()
    expect((await person.get(link)).status).toBe(303)
  })

  it('sets the new password, signs in on a fresh session, and lands on Seguridad with the review', async () => {
    const { email, browser: otherDevice } = await signedInUser()
    const browser = new Browser()
    await browser.get(await requestReset(email, browser))
    const done = await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(done.status).toBe(303)
    expect(done.location).toBe('/security?aviso=contrasena-restablecida')
    expect(browser.cookie('__Host-password_reset')).toBeUndefined()
    const landing = await browser.get(done.location!)
    expect(visibleText(landing.text)).toContain('Su contraseña fue restablecida. Esto es lo que puede entrar en su cuenta ahora:')
    // A session started by a reset is fresh: no current password asked.
    expect((await browser.get('/profile')).text).not.toContain('name="current_password"')
    // Every older session is revoked.
    expect((await otherDevice.get('/profile')).status).toBe(303)
    // Only the new password works.
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(401)
    expect((await new Browser().post('/login', { email, password: NEW_PASSWORD })).status).toBe(303)
  })

  it('mails "su contraseña fue cambiada" with when, from where, and what to do if it was not them', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await browser.get(await requestReset(email, browser))
    await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }, { 'CF-Connecting-IP': '203.0.113.7' })
    const mail = lastMailTo(email, 'password-changed')
    expect(mail.subject).toContain('Su contraseña fue cambiada')
    expect(mail.text).toMatch(/fue cambiada el .+ \(hora de Ecuador\) desde .*\(IP 203\.0\.113\.7\)/)
    expect(mail.text).toContain('Si no fue usted, restablezca su contraseña')
    expect(mail.text).toContain('https://cuentas.ecuabots.test/password/forgot')
    expect(mail.text).toContain('Ecuabots nunca le pedirá su contraseña.')
    expect(mail.text).not.toContain('ignore este correo') // it already happened: not something to ignore
  })

  it('resetting from a new device sends both the change notice and the new-device notice at once', async () => {
    const { email } = await signedInUser() // the sign-up device
    const phone = new Browser()
    await phone.get(await requestReset(email, phone))
    await phone.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    // No cron has run: both went out right after the response.
    expect(mailsTo(email, 'password-changed')).toHaveLength(1)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(1)
  })

  it('a used reset link shows the expired page', async () => {
    const { email } = await signedInUser()
    const link = await requestReset(email)
    const first = new Browser()
    await first.get(link)
    await first.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    const page = await new Browser().get(link)
    expect(page.status).toBe(400)
    expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    expect(page.text).toContain('href="/password/forgot"')
  })

  it('an expired reset link shows the expired page with a way to ask for a new one', async () => {
    const { email } = await signedInUser()
    const link = await requestReset(email)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + HOUR + 1000)
    const page = await new Browser().get(link)
    expect(page.status).toBe(400)
    expect(visibleText(page.text)).toContain('Pedir un enlace nuevo')
  })

  it('a link that expires while the form is open is refused on submit, and the password stays', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await browser.get(await requestReset(email, browser))
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + HOUR + 1000)
    const page = await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(page.status).toBe(400)
    vi.restoreAllMocks()
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('two simultaneous submissions of one link: only one succeeds', async () => {
    const { email } = await signedInUser()
    const link = await requestReset(email)
    const a = new Browser()
    const b = new Browser()
    await a.get(link)
    await b.get(link)
    const [first, second] = await Promise.all([
      a.post('/password/reset', { password: 'clave-de-a-1', password_confirmation: 'clave-de-a-1' }),
      b.post('/password/reset', { password: 'clave-de-b-2', password_confirmation: 'clave-de-b-2' }),
    ])
    expect([first.status, second.status].sort()).toEqual([303, 400])
    const winner = first.status === 303 ? 'clave-de-a-1' : 'clave-de-b-2'
    const loser = first.status === 303 ? 'clave-de-b-2' : 'clave-de-a-1'
    expect((await new Browser().post('/login', { email, password: winner })).status).toBe(303)
    expect((await new Browser().post('/login', { email, password: loser })).status).toBe(401)
    expect(mailsTo(email, 'password-changed')).toHaveLength(1)
  })

  it('using one reset link kills the other outstanding ones', async () => {
    const { email } = await signedInUser()
    const older = await requestReset(email)
    const newer = await requestReset(email)
    const browser = new Browser()
    await browser.get(newer)
    await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect((await new Browser().get(older)).status).toBe(400)
  })

  it('mismatched or short passwords are shown next to the fields and the link stays usable', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    await browser.get(await requestReset(email, browser))
    const mismatch = await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: 'otra' })
    expect(mismatch.status).toBe(422)
    expect(visibleText(mismatch.text)).toContain('Las contraseñas no coinciden.')
    const short = await browser.post('/password/reset', { password: '12345', password_confirmation: '12345' })
    expect(short.status).toBe(422)
    expect(visibleText(short.text)).toContain('La contraseña debe tener al menos 6 caracteres.')
    const ok = await browser.post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(ok.status).toBe(303)
  })

  it('the reset page without a link shows the expired page, not an error', async () => {
    const page = await new Browser().get('/password/reset')
    expect(page.status).toBe(400)
    const post = await new Browser().post('/password/reset', { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(post.status).toBe(400)
  })

  it('a forged or absurdly long reset token gives the expired page', async () => {
    for (const token of ['abc', 'B'.repeat(43), 'C'.repeat(10_000)]) {
      const page = await new Browser().get(`/password/reset/${token}`)
      expect(page.status).toBe(400)
      expect(visibleText(page.text)).toContain('Este enlace ya no es válido')
    }
  })
})
