import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { Browser, PASSWORD, signedInUser, visibleText } from './helpers'

// Issue 19, point 1: the profile says what happened, and nothing else.

const NEW_PASSWORD = 'nueva-clave-9'

afterEach(() => vi.restoreAllMocks())

/** Moves the clock past the 10-minute fresh-authentication window. */
function elevenMinutesLater() {
  vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
}

async function signsInWith(email: string, password: string) {
  vi.restoreAllMocks()
  return (await new Browser().post('/login', { email, password })).status === 303
}

describe('profile: said and done', () => {
  it('a save that changed nothing says so, not "Sus cambios fueron guardados"', async () => {
    const { browser } = await signedInUser({ name: 'Ana Pérez' })
    const saved = await browser.post('/profile', { name: 'Ana Pérez', password: '', password_confirmation: '' })
    expect(saved.location).toBe('/profile?aviso=sin-cambios')
    const page = visibleText((await browser.get(saved.location!)).text)
    expect(page).toContain('No había cambios que guardar: su nombre y su contraseña siguen iguales.')
    expect(page).not.toContain('Sus cambios fueron guardados.')
  })

  it('an empty "Contraseña actual" says "Ingrese su contraseña actual.", not that it is wrong, and says to type the new one again', async () => {
    const { browser, email } = await signedInUser()
    elevenMinutesLater()
    const page = await browser.post('/profile', { name: 'Ana', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: '' })
    expect(page.status).toBe(422)
    const text = visibleText(page.text)
    expect(text).toContain('Ingrese su contraseña actual.')
    expect(text).not.toContain('La contraseña actual no es correcta.')
    expect(text).toContain('Su contraseña no cambió: revise su contraseña actual, más abajo.')
    expect(text).toContain('vuelva a escribir la nueva contraseña.')
    expect(text).toContain('Vuelva a escribir la nueva contraseña para confirmarla.')
    expect(page.text).not.toContain(NEW_PASSWORD) // never written back into the page
    expect(await signsInWith(email, PASSWORD)).toBe(true)
  })

  it('a wrong current password marks the new-password fields to type again, since they come back empty, and the first one says why', async () => {
    const { browser } = await signedInUser()
    elevenMinutesLater()
    const page = await browser.post('/profile', { name: 'Ana', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: 'no-es-esta' })
    expect(page.status).toBe(422)
    const text = visibleText(page.text)
    expect(text).toContain('La contraseña actual no es correcta.')
    expect(text).toContain('Por su seguridad no conservamos lo que escribió aquí: vuelva a escribir la nueva contraseña.')
    // The new password is the field focused and read first: it names the cause, further down.
    expect(text).toContain('Su contraseña no cambió: revise su contraseña actual, más abajo.')
    expect(page.text).toMatch(/<input[^>]*name="password"[^>]*aria-invalid="true"|<input[^>]*aria-invalid="true"[^>]*name="password"/)
  })

  it('retyping only the current password after a failed try does not say "guardados": it asks for the new password', async () => {
    const { browser, email } = await signedInUser({ name: 'Ana' })
    elevenMinutesLater()
    await browser.post('/profile', { name: 'Ana', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: 'no-es-esta' })
    const again = await browser.post('/profile', { name: 'Ana', password: '', password_confirmation: '', current_password: PASSWORD })
    expect(again.status).toBe(422)
    const text = visibleText(again.text)
    expect(text).toContain('Su contraseña no cambió: escriba aquí la nueva contraseña y confírmela abajo.')
    expect(text).not.toContain('Sus cambios fueron guardados.')
    expect(await signsInWith(email, PASSWORD)).toBe(true)
  })

  it('a new name with only the current password typed is saved, and the page says the password did not change', async () => {
    const { browser } = await signedInUser({ name: 'Ana' })
    elevenMinutesLater()
    const saved = await browser.post('/profile', { name: 'Ana María', password: '', password_confirmation: '', current_password: PASSWORD })
    expect(saved.location).toBe('/profile?aviso=nombre-guardado')
    const page = visibleText((await browser.get(saved.location!)).text)
    expect(page).toContain('Guardamos su nombre. Su contraseña no cambió')
    expect(page).not.toContain('Sus cambios fueron guardados.')
  })
})

describe('a notice says only what this browser just did', () => {
  it('a crafted link to the profile or Seguridad shows no "saved" notice: nothing was done', async () => {
    const { browser } = await signedInUser()
    for (const aviso of ['guardado', 'contrasena-cambiada', 'nombre-guardado', 'llave-eliminada']) {
      const page = visibleText((await browser.get(`/profile?aviso=${aviso}`)).text)
      expect(page, aviso).not.toMatch(/Sus cambios fueron guardados|Su contraseña fue cambiada|Guardamos su nombre|Eliminamos la llave/)
    }
    for (const aviso of ['otras-sesiones-cerradas', 'sesion-revocada', 'guardado']) {
      const page = visibleText((await browser.get(`/security?aviso=${aviso}`)).text)
      expect(page, aviso).not.toMatch(/Cerramos|Sesión cerrada|Sus cambios fueron guardados/)
    }
  })

  it('after a real save the profile says "Sus cambios fueron guardados" once; the same address again says nothing', async () => {
    const { browser } = await signedInUser({ name: 'Ana Pérez' })
    const saved = await browser.post('/profile', { name: 'Ana María Pérez', password: '', password_confirmation: '' })
    expect(saved.location).toBe('/profile?aviso=guardado')
    expect(visibleText((await browser.get(saved.location!)).text)).toContain('Sus cambios fueron guardados.')
    expect(visibleText((await browser.get(saved.location!)).text)).not.toContain('Sus cambios fueron guardados.')
  })

  it("a notice this browser was sent to read is not shown on another page's link: the save's notice does not appear on Seguridad", async () => {
    const { browser } = await signedInUser({ name: 'Ana Pérez' })
    await browser.post('/profile', { name: 'Ana Inés Pérez', password: '', password_confirmation: '' })
    expect(visibleText((await browser.get('/security?aviso=guardado')).text)).not.toContain('Sus cambios fueron guardados.')
  })
})
