import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, PASSWORD, uniqueEmail, visibleText } from './helpers'

// Issue 19, point 2: sign up on the laptop, confirm from the phone. The
// phone is told why the password chosen elsewhere was not kept (a warning,
// not a success) and asked for one first; the laptop's failed sign-in
// offers the way in, to everyone alike.

async function signUpOnLaptopConfirmOnPhone(email: string) {
  const laptop = new Browser()
  await laptop.post('/signup', { name: 'Diego Ruiz', email, password: PASSWORD, password_confirmation: PASSWORD })
  const phone = new Browser()
  const confirmed = await phone.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
  return { laptop, phone, confirmed }
}

describe('confirming on another device', () => {
  it('the phone lands on a warning that says why the password was not kept, and asks for one before anything else', async () => {
    const email = uniqueEmail('diego')
    const { phone, confirmed } = await signUpOnLaptopConfirmOnPhone(email)
    const profile = await phone.get(confirmed.location!)
    expect(profile.status).toBe(200)
    expect(profile.text).toMatch(/<p class="warning" role="status">Su correo electrónico fue confirmado\. Su cuenta aún no tiene contraseña: como confirmó el correo en un dispositivo distinto/)
    expect(profile.text).not.toContain('class="notice"')
    expect(visibleText(profile.text)).not.toContain('Déjela en blanco para mantener la actual')
    expect(profile.text).toMatch(/<input[^>]*name="password"[^>]*required/)
    // The avatar shows the address's first letter, not "?", while there is no name.
    expect(profile.text).toMatch(/<summary>\s*D\s*<span class="visually-hidden">/)
  })

  it('saving without choosing a password saves nothing and asks for it', async () => {
    const email = uniqueEmail('diego')
    const { phone } = await signUpOnLaptopConfirmOnPhone(email)
    const saved = await phone.post('/profile', { name: 'Diego Ruiz', password: '', password_confirmation: '' })
    expect(saved.status).toBe(422)
    expect(visibleText(saved.text)).toContain('Ingrese una contraseña.')
    const chosen = await phone.post('/profile', { name: 'Diego Ruiz', password: 'otra-clave-44', password_confirmation: 'otra-clave-44' })
    expect(chosen.status).toBe(303)
    expect(visibleText((await phone.get('/profile')).text)).not.toContain('aún no tiene contraseña')
    // A first password is chosen, not changed, and is what the other device needs next.
    const said = visibleText((await phone.get(chosen.location!)).text)
    expect(said).toContain('Guardamos su contraseña. Ya puede iniciar sesión con ella en cualquier dispositivo.')
    expect(said).not.toContain('Su contraseña fue cambiada')
  })

  it('the laptop\'s failed sign-in offers "¿Confirmó desde otro dispositivo? Entre con un enlace de acceso" — and so does every failed sign-in', async () => {
    const email = uniqueEmail('diego')
    const { laptop } = await signUpOnLaptopConfirmOnPhone(email)
    const offer = '<a href="/login/email">¿Confirmó desde otro dispositivo? Entre con un enlace de acceso</a>'
    const refused = await laptop.post('/login', { email, password: PASSWORD })
    expect(refused.status).toBe(401)
    expect(refused.text).toContain(offer)
    // A stranger learns nothing: an address without an account, and a wrong password, read the same.
    const stranger = await new Browser().post('/login', { email: uniqueEmail('nadie'), password: PASSWORD })
    expect(stranger.status).toBe(401)
    expect(stranger.text).toContain(offer)
    const unrelated = uniqueEmail('otra')
    await new Browser().post('/signup', { name: 'Otra', email: unrelated, password: PASSWORD, password_confirmation: PASSWORD })
    await new Browser().post(linkIn(lastMailTo(unrelated, 'email-verification'), '/email/verify/'))
    const wrong = await new Browser().post('/login', { email: unrelated, password: 'no-es-esta' })
    expect(wrong.text).toContain(offer)
  })
})
