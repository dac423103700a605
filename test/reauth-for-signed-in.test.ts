import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { lastMailTo, signedInUser, visibleText } from './helpers'

// Issue 19, point 9: "¿No la recuerda?" reads as written for the signed-in
// owner, and back on the profile says to type the new password again.

afterEach(() => vi.restoreAllMocks())

function codeIn(text: string) {
  return text.match(/^\s+(\d{6})$/m)![1]!
}

describe('re-checking identity by code from the profile', () => {
  it('the answer names her own address plainly: no "Si … tiene una cuenta", no "¿Escribió mal su correo?", no "Iniciar sesión"', async () => {
    const { browser, email } = await signedInUser({ name: 'Diego' })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const page = await browser.post('/profile/reauth', { name: 'Diego', password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    expect(page.status).toBe(200)
    const text = visibleText(page.text)
    expect(text).toContain(`Le enviamos el correo «Su enlace de acceso» a ${email}.`)
    expect(text).not.toContain('tiene una cuenta')
    expect(text).not.toContain('¿Escribió mal su correo?')
    expect(text).not.toContain('Iniciar sesión')
    expect(page.text).toContain('<a href="/profile">Volver al perfil</a>')
    expect(text).toContain('escriba el código de 6 dígitos del correo')
  })

  it('back on the profile after the code, it says to type the new password again (it was never carried)', async () => {
    const { browser, email } = await signedInUser({ name: 'Diego' })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    await browser.post('/profile/reauth', { name: 'Diego', password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    const signedIn = await browser.post('/login/code', { code: codeIn(lastMailTo(email, 'login-link').text) })
    const profile = await browser.get(signedIn.location!)
    const text = visibleText(profile.text)
    expect(text).toContain('Ya confirmamos que es usted. Por su seguridad no conservamos las contraseñas que escribió: escriba de nuevo la nueva contraseña')
    expect(profile.text).not.toContain('nueva-clave-77')
    expect(profile.text).not.toContain('name="current_password"')
  })

  it('without a password typed, back on the profile it says the current one will not be asked', async () => {
    const { browser, email } = await signedInUser({ name: 'Diego' })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    await browser.post('/profile/reauth', { name: 'Diego' })
    const signedIn = await browser.post('/login/code', { code: codeIn(lastMailTo(email, 'login-link').text) })
    expect(signedIn.location).toBe('/profile?aviso=identidad-confirmada')
    expect(visibleText((await browser.get(signedIn.location!)).text)).toContain('Elija su nueva contraseña aquí abajo y presione GUARDAR PERFIL: ya no le pediremos la actual.')
  })
})
