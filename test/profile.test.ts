import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { Browser, lastMailTo, mailsTo, PASSWORD, signedInUser, visibleText } from './helpers'

const NEW_PASSWORD = 'nueva-clave-9'

afterEach(() => vi.restoreAllMocks())

/** Moves the clock past the 10-minute fresh-authentication window. */
function elevenMinutesLater() {
  const later = Date.now() + 11 * MINUTE
  vi.spyOn(clock, 'now').mockReturnValue(later)
}

describe('profile', () => {
  it('anonymous visitors are sent to login and come back to the profile', async () => {
    const page = await new Browser().get('/profile')
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login?next=%2Fprofile')
    const login = await new Browser().get(page.location!)
    expect(login.status).toBe(200)
    expect(login.text).toContain('name="next" value="/profile"')
  })

  it('shows name (editable), email, the password fields and the blue "GUARDAR PERFIL" button', async () => {
    const { browser, email } = await signedInUser({ name: 'Ana Pérez' })
    const page = await browser.get('/profile')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/<input id="name" name="name" type="text" value="Ana Pérez"/)
    expect(visibleText(page.text)).toContain(email)
    expect(page.text).toContain('name="password"')
    expect(page.text).toContain('name="password_confirmation"')
    expect(page.text).toMatch(/<button class="button" type="submit">GUARDAR PERFIL<\/button>/)
    expect(page.headers.get('Cache-Control')).toBe('no-store')
  })

  it('saves a new name and keeps the password when the password fields are blank', async () => {
    const { browser, email } = await signedInUser()
    const saved = await browser.post('/profile', { name: 'Ana María Pérez', password: '', password_confirmation: '' })
    expect(saved.status).toBe(303)
    expect(saved.location).toBe('/profile?aviso=guardado')
    const page = await browser.get(saved.location!)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Sus cambios fueron guardados.')
    expect(page.text).toContain('value="Ana María Pérez"')
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(mailsTo(email, 'password-changed')).toHaveLength(0)
  })

  it('changes the password in a fresh session, keeps this session, signs out the others, and mails a notice', async () => {
    const { browser, email } = await signedInUser()
    const laptop = new Browser()
    expect((await laptop.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await laptop.get('/profile')).status).toBe(200) // signed in there, until the change
    const saved = await browser.post('/profile', { name: 'Ana', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(saved.status).toBe(303)
    expect(saved.location).toBe('/profile?aviso=contrasena-cambiada')
    const page = await browser.get(saved.location!)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Su contraseña fue cambiada.')
    expect((await laptop.get('/profile')).status).toBe(303)
    expect((await new Browser().post('/login', { email, password: NEW_PASSWORD })).status).toBe(303)
    expect(lastMailTo(email, 'password-changed').text).toContain('Ecuabots nunca le pedirá su contraseña.')
  })

  it('after 10 minutes, asks for the current password before changing it', async () => {
    const { browser, email } = await signedInUser()
    elevenMinutesLater()
    const page = await browser.get('/profile')
    expect(page.status).toBe(200)
    expect(page.text).toContain('name="current_password"')
    expect(page.text).toContain('autocomplete="current-password"')
    const missing = await browser.post('/profile', { name: 'Ana', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(missing.status).toBe(422)
    expect(visibleText(missing.text)).toContain('Ingrese su contraseña actual.')
    const wrong = await browser.post('/profile', {
      name: 'Ana',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
      current_password: 'no-es',
    })
    expect(wrong.status).toBe(422)
    expect(visibleText(wrong.text)).toContain('La contraseña actual no es correcta.')
    const right = await browser.post('/profile', {
      name: 'Ana',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
      current_password: PASSWORD,
    })
    expect(right.status).toBe(303)
    vi.restoreAllMocks()
    expect((await new Browser().post('/login', { email, password: NEW_PASSWORD })).status).toBe(303)
  })

  it('an old session may still change the name without the current password', async () => {
    const { browser } = await signedInUser()
    elevenMinutesLater()
    const saved = await browser.post('/profile', { name: 'Nombre Nuevo' })
    expect(saved.status).toBe(303)
    expect(saved.location).toBe('/profile?aviso=guardado')
    const page = await browser.get(saved.location!)
    expect(page.status).toBe(200)
    expect(page.text).toContain('value="Nombre Nuevo"')
  })

  it('mismatched confirmation or a short password is shown next to the fields and nothing is saved', async () => {
    const { browser, email } = await signedInUser()
    const page = await browser.post('/profile', { name: 'Otro Nombre', password: NEW_PASSWORD, password_confirmation: 'distinta' })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('Las contraseñas no coinciden.')
    expect(page.text).toContain('value="Otro Nombre"') // what was typed stays
    const short = await browser.post('/profile', { name: 'Ana', password: '123', password_confirmation: '123' })
    expect(short.status).toBe(422)
    expect(visibleText(short.text)).toContain('La contraseña debe tener al menos 6 caracteres.')
    const profile = await browser.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).toContain('value="Ana Pérez"') // the name from before both attempts
    expect(profile.text).not.toContain('value="Otro Nombre"')
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('an empty or overlong name gets a clear message', async () => {
    const { browser } = await signedInUser()
    const empty = await browser.post('/profile', { name: '  ' })
    expect(empty.status).toBe(422)
    expect(visibleText(empty.text)).toContain('Ingrese su nombre.')
    const long = await browser.post('/profile', { name: 'x'.repeat(101) })
    expect(long.status).toBe(422)
    expect(visibleText(long.text)).toContain('como máximo 100 caracteres')
  })
})

describe('"¿No la recuerda?" on the profile', () => {
  it('mails an enlace de acceso, and its code brings the person back to the profile on a fresh session with the typed name kept', async () => {
    const { browser, email } = await signedInUser({ name: 'Ana Pérez' })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // the session is no longer fresh
    const stale = await browser.get('/profile')
    expect(stale.status).toBe(200)
    expect(stale.text).toContain('name="current_password"')
    expect(stale.text).toMatch(/<button type="submit" class="linklike" formaction="\/profile\/reauth" formnovalidate="">¿No la recuerda\? Reciba un enlace de acceso<\/button>/)
    const asked = await browser.post('/profile/reauth', { name: 'Ana María Pérez', password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    expect(asked.status).toBe(200)
    expect(visibleText(asked.text)).toContain('escriba el código de 6 dígitos del correo')
    const code = lastMailTo(email, 'login-link').text.match(/^\s+(\d{6})$/m)![1]!
    const signedIn = await browser.post('/login/code', { code })
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile?aviso=reescriba-contrasena')
    const fresh = await browser.get('/profile')
    expect(fresh.status).toBe(200)
    expect(fresh.text).not.toContain('name="current_password"')
    expect(fresh.text).toContain('value="Ana María Pérez"')
    expect(fresh.text).not.toContain('nueva-clave-77') // passwords are never carried
    const saved = await browser.post('/profile', { name: 'Ana María Pérez', password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    expect(saved.status).toBe(303)
    expect((await browser.get('/profile')).text).toContain('value="Ana María Pérez"')
  })
})

describe('what one person typed stays theirs', () => {
  it("a name drafted before \"¿No la recuerda?\" never prefills another account's profile on the same browser, and sign-out forgets it", async () => {
    const a = await signedInUser({ name: 'Ana Uno' })
    const b = await signedInUser({ name: 'Beto Dos' })
    await a.browser.post('/profile/reauth', { name: 'Borrador de Ana' })
    expect((await a.browser.get('/profile')).text).toContain('value="Borrador de Ana"')
    const out = await a.browser.post('/logout')
    expect(out.headers.getSetCookie().some((line) => line.startsWith('__Host-typed=;'))).toBe(true)
    expect((await a.browser.post('/login', { email: b.email, password: PASSWORD })).status).toBe(303)
    const profile = await a.browser.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).not.toContain('Borrador de Ana')
    expect(profile.text).toContain('value="Beto Dos"')
  })
})
