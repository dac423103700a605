import { afterEach, describe, expect, it, vi } from 'vitest'
import { Browser, d1Session, lastMailTo, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

afterEach(() => vi.restoreAllMocks())

describe('cross-site requests (CSRF)', () => {
  it('a form posted from another site is refused with 403 and changes nothing', async () => {
    const { browser, email } = await signedInUser()
    const attack = await browser.post('/profile', { name: 'Pwned' }, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' })
    expect(attack.status).toBe(403)
    expect(visibleText(attack.text)).toContain('Solicitud rechazada')
    expect((await browser.get('/profile')).text).not.toContain('value="Pwned"')
    const logout = await browser.post('/logout', {}, { Origin: 'https://evil.example' })
    expect(logout.status).toBe(403)
    expect((await browser.get('/profile')).status).toBe(200)
    await new Browser().post('/password/forgot', { email }, { Origin: 'https://evil.example' })
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
  })

  it('a form post with neither Origin nor Sec-Fetch-Site is refused', async () => {
    const page = await new Browser().request('/login', {
      method: 'POST',
      body: 'email=a%40b.co&password=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(page.status).toBe(403)
  })
})

describe('security headers', () => {
  it('every page has a strict CSP, nosniff and no-referrer', async () => {
    for (const path of ['/login', '/signup', '/password/forgot', '/no-existe']) {
      const page = await new Browser().get(path)
      const csp = page.headers.get('Content-Security-Policy')!
      expect(csp, path).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).not.toContain('unsafe-inline')
      expect(csp).not.toContain('unsafe-eval')
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).toContain("base-uri 'none'")
      expect(page.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(page.headers.get('Referrer-Policy')).toBe('no-referrer')
    }
  })

  it('pages contain no inline scripts or styles (the CSP would block them)', async () => {
    const page = await new Browser().get('/signup')
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(page.text).not.toMatch(/\sstyle="/)
    expect(page.text).not.toMatch(/\son[a-z]+="/)
  })
})

describe('bad input gets a clear 4xx, never a 500', () => {

  it('a password over 256 characters (but within the body limit) is refused next to the field on every form', async () => {
    const long = 'a'.repeat(1000)
    const signup = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail(), password: long, password_confirmation: long })
    expect(signup.status).toBe(422)
    expect(visibleText(signup.text)).toContain('La contraseña debe tener como máximo 256 caracteres.')
    const login = await new Browser().post('/login', { email: uniqueEmail(), password: long })
    expect(login.status).toBe(422)
    const { browser } = await signedInUser()
    const profile = await browser.post('/profile', { name: 'Ana', password: long, password_confirmation: long })
    expect(profile.status).toBe(422)
    expect(visibleText(profile.text)).toContain('La contraseña debe tener como máximo 256 caracteres.')
  })

  it('a pasted megabyte is refused before it is read, with the "too large" page', async () => {
    for (const path of ['/signup', '/login', '/password/forgot', '/validate/password']) {
      const page = await new Browser().post(path, { email: 'a@b.co', password: 'a'.repeat(1024 * 1024) })
      expect(page.status).toBe(413)
      expect(visibleText(page.text)).toContain('Envío demasiado grande')
    }
  })

  it('missing fields, garbage bodies and wrong content types read as an incomplete form', async () => {
    const empty = await new Browser().post('/signup', {})
    expect(empty.status).toBe(422)
    expect(visibleText(empty.text)).toContain('Ingrese su nombre.')
    const garbage = await new Browser().request('/signup', {
      method: 'POST',
      body: new Uint8Array([0xff, 0x00, 0xfe, 0x25, 0x25]),
      headers: { Origin: 'https://cuentas.ecuabots.test', 'Content-Type': 'multipart/form-data; boundary=nada' },
    })
    expect(garbage.status).toBe(422)
    const json = await new Browser().request('/login', {
      method: 'POST',
      body: '{"email":',
      headers: { Origin: 'https://cuentas.ecuabots.test', 'Content-Type': 'application/json' },
    })
    expect(json.status).toBe(422)
  })

  it('a malformed email on sign-up is shown next to the field', async () => {
    const page = await new Browser().post('/signup', { name: 'Ana', email: `${'a'.repeat(300)}@example.com`, password: PASSWORD, password_confirmation: PASSWORD })
    expect(page.status).toBe(422)
    expect(page.text).toMatch(/<p class="error" id="email-error">Ingrese un correo electrónico válido/)
  })

  it('an unknown page is a Spanish 404 when signed in, and asks to sign in otherwise (deny by default)', async () => {
    const anonymous = await new Browser().get('/no-existe')
    expect(anonymous.status).toBe(303)
    expect(anonymous.location).toBe('/login?next=%2Fno-existe')
    const { browser } = await signedInUser()
    const page = await browser.get('/no-existe')
    expect(page.status).toBe(404)
    expect(visibleText(page.text)).toContain('Página no encontrada')
  })

  it('an internal failure shows a plain page with no stack trace', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { browser } = await signedInUser()
    vi.spyOn(d1Session, 'prepare').mockImplementation(() => {
      throw new Error('D1_ERROR: simulated outage at /secret/path.ts:12')
    })
    const page = await browser.get('/profile')
    expect(page.status).toBe(500)
    expect(visibleText(page.text)).toContain('Algo salió mal')
    expect(page.text).not.toContain('D1_ERROR')
    expect(page.text).not.toContain('.ts:')
  })
})

describe('links in mails come from APP_URL, never from the request', () => {
  it('a poisoned Host / X-Forwarded-Host does not reach the reset mail', async () => {
    const { email } = await signedInUser()
    const attacker = new Browser('https://evil.example')
    const page = await attacker.post('/password/forgot', { email }, { 'X-Forwarded-Host': 'evil.example', Host: 'evil.example' })
    expect(page.status).toBe(200)
    const mail = lastMailTo(email, 'password-reset')
    expect(mail.text).toContain('https://cuentas.ecuabots.test/password/reset/')
    expect(mail.text + mail.html).not.toContain('evil.example')
  })
})

describe('HEAD requests', () => {
  it('HEAD works wherever GET does', async () => {
    const { browser } = await signedInUser()
    // Public pages as a visitor sees them (a signed-in browser may be sent on from some), the profile as its owner does.
    const visitor = new Browser()
    const pages: [Browser, string][] = [[browser, '/profile'], [browser, '/security'], ...['/login', '/signup', '/password/forgot', '/login/email', '/.well-known/security.txt'].map((path): [Browser, string] => [visitor, path])]
    for (const [who, path] of pages) {
      const page = await who.request(path, { method: 'HEAD' })
      expect(page.status, path).toBe(200)
      expect(page.text).toBe('')
      expect((await who.get(path)).status, path).toBe(200)
    }
  })
})
