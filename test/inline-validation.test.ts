import { describe, expect, it } from 'vitest'
import { Browser, requestReset, signedInUser, visibleText } from './helpers'

const check = (password: string, password_confirmation: string, extra: Record<string, string> = {}) =>
  new Browser().post('/validate/password', { password, password_confirmation, ...extra }, { 'HX-Request': 'true' })

/** What the inline check says under one field: the content of its <hx-partial>. */
function under(html: string, field: 'password' | 'password_confirmation') {
  const part = html.match(new RegExp(`<hx-partial hx-target="#${field}-feedback" hx-swap="innerHTML">([\\s\\S]*?)</hx-partial>`))
  if (!part) throw new Error(`no partial for ${field} in ${html}`)
  return visibleText(part[1]!)
}

describe('inline validation of the confirmed password (htmx)', () => {
  it('says "Las contraseñas no coinciden" under the confirmation as soon as it differs from the password, as content for its live region', async () => {
    const page = await check('clave-segura', 'clave-segurX')
    expect(page.status).toBe(200)
    expect(page.text).not.toContain('<html')
    expect(under(page.text, 'password_confirmation')).toBe('Las contraseñas no coinciden.')
    expect(under(page.text, 'password')).toBe('')
  })

  it('says each password rule in a full sentence under the password itself', async () => {
    const short = await check('12345', '')
    expect(under(short.text, 'password')).toBe('La contraseña debe tener al menos 6 caracteres.')
    expect(under(short.text, 'password_confirmation')).toBe('')
    const common = await check('iloveyou', 'iloveyou')
    expect(under(common.text, 'password')).toBe('Esta contraseña es demasiado común. Elija otra más difícil de adivinar.')
    expect(under(common.text, 'password_confirmation')).toBe('') // no "coinciden" for a password that is refused
  })

  it('stays quiet while the confirmation is still the start of the password; says "no coinciden" as soon as it is not, or once the person left the field', async () => {
    expect(under((await check('clave-segura', 'clave')).text, 'password_confirmation')).toBe('')
    // Shorter than the password, but it can no longer match: said while typing.
    expect(under((await check('clave-bonita', 'clave-m')).text, 'password_confirmation')).toBe('Las contraseñas no coinciden.')
    expect(under((await check('clave-segura', 'clave', { confirmation_left: '1' })).text, 'password_confirmation')).toBe('Las contraseñas no coinciden.')
    expect(under((await check('clave-segura', 'clave-segura-y-mas')).text, 'password_confirmation')).toBe('Las contraseñas no coinciden.')
  })

  it('shows an OK state under the confirmation when both match', async () => {
    expect(under((await check('clave-segura', 'clave-segura')).text, 'password_confirmation')).toBe('Las contraseñas coinciden.')
  })

  it('stays quiet about a field not typed yet', async () => {
    const page = await check('', '')
    expect(under(page.text, 'password')).toBe('')
    expect(under(page.text, 'password_confirmation')).toBe('')
  })

  it('uses the same words, under the same fields, as the full form submission', async () => {
    const inline = await check('clave-segura', 'otra-clave-larga')
    const full = await new Browser().post('/signup', {
      name: 'Ana',
      email: 'ana@example.com',
      password: 'clave-segura',
      password_confirmation: 'otra-clave-larga',
    })
    expect(full.status).toBe(422)
    const region = full.text.match(/<div id="password_confirmation-feedback" class="feedback" aria-live="polite">([\s\S]*?)<\/div>/)![1]!
    expect(visibleText(region)).toBe(under(inline.text, 'password_confirmation'))
  })

  it('sign-up, reset and profile wire each new-password input to it, and each to its own live region', async () => {
    const { browser, email } = await signedInUser()
    const resetBrowser = new Browser()
    await resetBrowser.get(await requestReset(email))
    const pages = [await new Browser().get('/signup'), await resetBrowser.get('/password/reset'), await browser.get('/profile')]
    for (const page of pages) {
      expect(page.status).toBe(200)
      for (const name of ['password', 'password_confirmation']) {
        const input = page.text.match(new RegExp(`<input id="${name}"[^>]*>`))![0]
        expect(input).toContain('hx-post="/validate/password"')
        expect(input).toContain('hx-swap="none"')
        expect(input).toContain(name === 'password' ? 'hx-trigger="input changed delay:300ms"' : 'hx-trigger="input changed delay:300ms, validate"')
        const describedBy = input.match(/aria-describedby="([^"]*)"/)![1]!.split(' ')
        expect(describedBy).toContain(`${name}-feedback`)
        expect(describedBy).not.toContain(`${name === 'password' ? 'password_confirmation' : 'password'}-feedback`)
        expect(page.text).toContain(`<div id="${name}-feedback" class="feedback" aria-live="polite">`)
      }
      expect(page.text).toContain('<input type="hidden" name="confirmation_left" value=""/>')
    }
  })

  it('serves htmx from our own origin under a versioned, immutable URL', async () => {
    const page = await new Browser().get('/signup')
    const src = page.text.match(/<script src="(\/assets\/htmx-4\.[^"]+\.js)"/)![1]!
    const script = await new Browser().get(src)
    expect(script.status).toBe(200)
    expect(script.headers.get('Content-Type')).toContain('javascript')
    expect(script.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect(script.text).toContain('htmx')
  })
})
