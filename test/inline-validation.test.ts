import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, signedInUser, visibleText } from './helpers'

const check = (password: string, password_confirmation: string) =>
  new Browser().post('/validate/password', { password, password_confirmation }, { 'HX-Request': 'true' })

describe('inline validation of the confirmed password (htmx)', () => {
  it('says "Las contraseñas no coinciden" as a fragment that replaces the feedback next to the field', async () => {
    const page = await check('clave-segura', 'clave-segur')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/^<div id="password-feedback" aria-live="polite">/)
    expect(page.text).not.toContain('<html')
    expect(visibleText(page.text)).toBe('Las contraseñas no coinciden.')
  })

  it('says "Debe tener al menos 6 caracteres" for a short password', async () => {
    expect(visibleText((await check('12345', '')).text)).toBe('Debe tener al menos 6 caracteres.')
  })

  it('shows an OK state when both match, and clears when fixed', async () => {
    expect(visibleText((await check('clave-segura', 'clave-segura')).text)).toBe('Las contraseñas coinciden.')
  })

  it('stays quiet about a field not typed yet', async () => {
    expect(visibleText((await check('clave-segura', '')).text)).toBe('')
    expect(visibleText((await check('', '')).text)).toBe('')
  })

  it('uses the same words as the full form submission', async () => {
    const inline = visibleText((await check('clave-segura', 'otra-clave')).text)
    const full = await new Browser().post('/signup', {
      name: 'Ana',
      email: 'ana@example.com',
      password: 'clave-segura',
      password_confirmation: 'otra-clave',
    })
    expect(visibleText(full.text)).toContain(inline)
    expect(full.text).toContain('<div id="password-feedback" aria-live="polite">')
  })

  it('sign-up, reset and profile wire both new-password inputs to it with a debounced trigger', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/password/forgot', { email })
    const resetBrowser = new Browser()
    await resetBrowser.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    const pages = [await new Browser().get('/signup'), await resetBrowser.get('/password/reset'), await browser.get('/profile')]
    for (const page of pages) {
      expect(page.status).toBe(200)
      for (const name of ['password', 'password_confirmation']) {
        const input = page.text.match(new RegExp(`<input id="${name}"[^>]*>`))![0]
        expect(input).toContain('hx-post="/validate/password"')
        expect(input).toContain('hx-trigger="input changed delay:300ms"')
        expect(input).toContain('hx-target="#password-feedback"')
        expect(input).toContain('hx-swap="outerHTML"')
        expect(input).toMatch(/aria-describedby="[^"]*password-feedback"/)
      }
      expect(page.text).toContain('<div id="password-feedback" aria-live="polite">')
    }
  })

  it('serves htmx from our own origin under a versioned, immutable URL', async () => {
    const page = await new Browser().get('/login')
    const src = page.text.match(/<script src="(\/assets\/htmx-4\.[^"]+\.js)"/)![1]!
    const script = await new Browser().get(src)
    expect(script.status).toBe(200)
    expect(script.headers.get('Content-Type')).toContain('javascript')
    expect(script.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect(script.text).toContain('htmx')
  })
})
