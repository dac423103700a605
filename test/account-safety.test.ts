import { createScheduledController, env } from 'cloudflare:test'
import worker from '../src/index'
import { HOURLY } from '../src/maintenance'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES, MAILS_PER_ADDRESS } from '../src/auth/limits'
import { clock, DAY, MINUTE } from '../src/clock'
import { describePlace } from '../src/i18n/devices'
import { securityEvents, users } from '../src/db/schema'
import { Browser, db, lastMailTo, linkIn, mailsTo, PASSWORD, requestReset, signedInUser, uniqueEmail, visibleText } from './helpers'

afterEach(() => vi.restoreAllMocks())

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Version/18.0 Mobile/15E148 Safari/604.1'

/** Fails a password sign-in for `email` from a fresh browser (a fresh IP) each time. */
async function failLogins(email: string, times: number) {
  for (let i = 0; i < times; i++) {
    const page = await new Browser().post('/login', { email, password: `equivocada-${i}` })
    expect(page.status).toBe(401)
  }
}

describe('password guessing is throttled per account, globally', () => {
  it(`after ${LOGIN_FAILURES.limit} failures from many IPs, the next attempt is refused with 429, even with the right password`, async () => {
    const { email } = await signedInUser()
    await failLogins(email, LOGIN_FAILURES.limit)
    const page = await new Browser().post('/login', { email, password: PASSWORD })
    expect(page.status).toBe(429)
    expect(Number(page.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(visibleText(page.text)).toContain('Demasiados intentos')
    expect(page.text).toContain('href="/login/email"')
  })

  it('an unknown address is throttled exactly like a known one', async () => {
    const { email } = await signedInUser()
    const nobody = uniqueEmail('nadie')
    await failLogins(email, LOGIN_FAILURES.limit)
    await failLogins(nobody, LOGIN_FAILURES.limit)
    const known = await new Browser().post('/login', { email, password: 'x-y-z-1' })
    const unknown = await new Browser().post('/login', { email: nobody, password: 'x-y-z-1' })
    expect(unknown.status).toBe(known.status)
    expect(visibleText(unknown.text)).toBe(visibleText(known.text))
  })

  it('a throttled owner can still sign in by the mailed link, and the window ends', async () => {
    const { email } = await signedInUser()
    await failLogins(email, LOGIN_FAILURES.limit)
    const phone = new Browser()
    await new Browser().post('/login/email', { email })
    const link = linkIn(lastMailTo(email, 'login-link'), '/login/email/')
    expect((await phone.post(link)).status).toBe(303)
    expect((await phone.get('/profile')).status).toBe(200)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + LOGIN_FAILURES.window + MINUTE)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
  })

  it('too many requests from one IP get 429 before any work is done', async () => {
    // The limiter counts per minute: a burst that straddles a minute is sent again from a fresh IP.
    let statuses: number[] = []
    for (let tries = 0; tries < 3; tries++) {
      const attacker = new Browser()
      const minute = Math.floor(Date.now() / 60_000)
      statuses = []
      for (let i = 0; i < 32; i++) statuses.push((await attacker.post('/login', { email: uniqueEmail(), password: 'x' })).status)
      if (Math.floor(Date.now() / 60_000) === minute) break
    }
    expect(statuses.slice(0, 30), statuses.join(",")).toEqual(Array(30).fill(401))
    expect(statuses.at(-1)).toBe(429)
  })
})

describe('mail floods are capped', () => {
  it(`at most ${MAILS_PER_ADDRESS.limit} reset mails, ${MAILS_PER_ADDRESS.limit} access links and ${MAILS_PER_ADDRESS.limit} "account exists" notes reach one address in 15 minutes, however many requests, from however many IPs`, async () => {
    const { email } = await signedInUser() // 1 verification mail
    for (let i = 0; i < 8; i++) {
      const page = await new Browser().post('/password/forgot', { email })
      expect(page.status).toBe(200)
    }
    for (let i = 0; i < 8; i++) expect((await new Browser().post('/login/email', { email })).status).toBe(200)
    for (let i = 0; i < 8; i++) {
      await new Browser().post('/signup', { name: 'Extraño', email, password: PASSWORD, password_confirmation: PASSWORD }) // "account exists" notes
    }
    expect(mailsTo(email, 'password-reset')).toHaveLength(MAILS_PER_ADDRESS.limit)
    expect(mailsTo(email, 'login-link')).toHaveLength(MAILS_PER_ADDRESS.limit)
    expect(mailsTo(email, 'account-exists')).toHaveLength(MAILS_PER_ADDRESS.limit)
    // Her confirmation counted on a budget of its own (the exact address): nothing else reached her.
    expect(mailsTo(email).map((mail) => mail.tag).sort()).toEqual(
      ['email-verification', ...Array<string>(MAILS_PER_ADDRESS.limit).fill('account-exists'), ...Array<string>(MAILS_PER_ADDRESS.limit).fill('login-link'), ...Array<string>(MAILS_PER_ADDRESS.limit).fill('password-reset')].sort(),
    )
  })
})

describe('weak passwords are refused, with the reason inline', () => {
  it('the htmx check says "Esta contraseña es demasiado común" as the person types', async () => {
    const page = await new Browser().post('/validate/password', { password: 'iloveyou', password_confirmation: '' }, { 'HX-Request': 'true' })
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toBe('Esta contraseña es demasiado común. Elija otra más difícil de adivinar.')
  })

  it('the htmx check refuses the name or address typed in the same form', async () => {
    const page = await new Browser().post('/validate/password', {
      name: 'Gabriela Mora',
      email: 'gabriela.mora@empresa.ec',
      password: 'GabrielaMora',
      password_confirmation: '',
    })
    expect(visibleText(page.text)).toBe('No use su nombre ni su correo electrónico como contraseña.')
  })

  it('sign-up, reset and profile refuse a common password on submit', async () => {
    const signup = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail(), password: 'password1', password_confirmation: 'password1' })
    expect(signup.status).toBe(422)
    expect(visibleText(signup.text)).toContain('demasiado común')
    const { browser, email } = await signedInUser()
    const profile = await browser.post('/profile', { name: 'Ana', password: 'qwerty123', password_confirmation: 'qwerty123' })
    expect(profile.status).toBe(422)
    const resetting = new Browser()
    await resetting.get(await requestReset(email))
    const reset = await resetting.post('/password/reset', { password: 'contraseña', password_confirmation: 'contraseña' })
    expect(reset.status).toBe(422)
    expect(visibleText(reset.text)).toContain('demasiado común')
    const own = await resetting.post('/password/reset', { password: email, password_confirmation: email })
    expect(visibleText(own.text)).toContain('No use su nombre ni su correo electrónico')
  })
})

describe('active sessions on "Seguridad"', () => {
  it('lists each session with device, place and times, this device first and labelled, each button naming its session', async () => {
    const { browser, email } = await signedInUser()
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    const page = await browser.get('/security')
    expect(page.status).toBe(200)
    const text = visibleText(page.text)
    expect(text).toContain('Sesiones activas')
    expect(text).toContain('Safari en iPhone')
    expect(text.indexOf('Este dispositivo')).toBeLessThan(text.indexOf('Safari en iPhone'))
    expect(page.text.match(/action="\/profile\/sessions\/[a-z0-9]+\/revoke"/g)).toHaveLength(2)
    expect(text).toContain('Cerrar sesión aquí')
    expect(page.text).toMatch(/aria-label="Cerrar sesión: Safari en iPhone, iniciada el [^"]+"/)
    expect(text).toContain('Cerrar todas las demás sesiones')
    // The profile itself stays short: the lists are one link away.
    const profile = await browser.get('/profile')
    expect(visibleText(profile.text)).not.toContain('Safari en iPhone')
    expect(profile.text).toContain('href="/security"')
  })

  it('"Cerrar" on another session signs that device out on its next request', async () => {
    const { browser, email } = await signedInUser()
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    const page = await browser.get('/security')
    const phoneRow = page.text.split('<li>').find((row) => row.includes('Safari en iPhone'))!
    const action = phoneRow.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!
    const revoked = await browser.post(action)
    expect(revoked.status).toBe(303)
    expect(revoked.location).toBe('/security?aviso=sesion-revocada#sesiones')
    expect((await phone.get('/profile')).status).toBe(303)
    expect((await browser.get('/profile')).status).toBe(200)
  })

  it('"Cerrar todas las demás sesiones" keeps only this one', async () => {
    const { browser, email } = await signedInUser()
    const others = [new Browser(), new Browser()]
    for (const other of others) await other.post('/login', { email, password: PASSWORD })
    expect((await browser.post('/profile/sessions/revoke-others')).status).toBe(303)
    for (const other of others) expect((await other.get('/profile')).status).toBe(303)
    expect((await browser.get('/profile')).status).toBe(200)
  })

  it('nobody can close a session of another account', async () => {
    const victim = await signedInUser()
    const attacker = await signedInUser()
    const page = await victim.browser.get('/security')
    const action = page.text.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!
    await attacker.browser.post(action)
    expect((await victim.browser.get('/profile')).status).toBe(200)
  })
})

describe('places', () => {
  it('names countries in Spanish, never as a bare code', () => {
    expect(describePlace({ city: 'Quito', country: 'EC' })).toBe('Quito, Ecuador')
    expect(describePlace({ city: null, country: 'US' })).toBe('Estados Unidos')
    expect(describePlace({ city: null, country: 'T1' })).toBe('T1') // Tor: Cloudflare's code, no country
    expect(describePlace({ city: null, country: null })).toBeNull()
  })
})

describe('security activity', () => {
  it('records each kind of event, with device and place, and shows the last ones on "Seguridad"', async () => {
    const { browser, email } = await signedInUser() // email verified + sign-in (verification)
    await new Browser().post('/login', { email, password: 'mal-1' }) // failed sign-in
    await new Browser().post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE }) // sign-in (password)
    await new Browser().post('/password/forgot', { email }) // reset requested
    const codeBrowser = new Browser()
    await codeBrowser.post('/login/email', { email })
    const code = lastMailTo(email, 'login-link').text.match(/^\s{4}(\d{6})$/m)![1]!
    await codeBrowser.post('/login/code', { code }) // sign-in (code)
    await browser.post('/profile', { name: 'Ana', password: 'nueva-clave-7', password_confirmation: 'nueva-clave-7' }) // password changed
    await browser.post('/profile/sessions/revoke-others') // sessions revoked
    const [user] = await db.select().from(users).where(eq(users.email, email))
    const rows = await db.select().from(securityEvents).where(eq(securityEvents.userId, user!.id))
    const kinds = new Set(rows.map((row) => (row.method ? `${row.type}:${row.method}` : row.type)))
    for (const kind of [
      'email_verified',
      'sign_in:verification',
      'sign_in_failed:password',
      'sign_in:password',
      'reset_requested',
      'sign_in:code',
      'password_changed',
      'sessions_revoked',
    ]) {
      expect(kinds, kind).toContain(kind)
    }
    const security = await browser.get('/security')
    expect(security.status).toBe(200)
    const text = visibleText(security.text)
    expect(text).toContain('Actividad de seguridad')
    expect(text).toContain('Intento de inicio de sesión fallido')
    expect(text).toContain('Inicio de sesión con el código de un enlace de acceso')
    expect(text).toContain('Safari en iPhone')
    expect(JSON.stringify(rows)).not.toContain(PASSWORD)
    expect(JSON.stringify(rows)).not.toContain(code)
  })

  it('forgets events older than 90 days (the hourly sweep)', async () => {
    const { email } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 91 * DAY)
    await new Browser().post('/login', { email, password: PASSWORD })
    await worker.scheduled(createScheduledController({ cron: HOURLY }), env)
    const [user] = await db.select().from(users).where(eq(users.email, email))
    const rows = await db.select().from(securityEvents).where(eq(securityEvents.userId, user!.id))
    expect(rows.map((row) => row.type)).toEqual(['sign_in'])
  })
})

describe('new-device notice', () => {
  it('a sign-in from a device never seen for the account sends exactly one notice', async () => {
    const { browser, email } = await signedInUser() // the sign-up device
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(0)
    await browser.post('/logout')
    await browser.post('/login', { email, password: PASSWORD }) // same device again
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(0)
    const phone = new Browser()
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    await phone.post('/logout')
    await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': PHONE })
    const notices = mailsTo(email, 'new-sign-in')
    expect(notices).toHaveLength(1)
    expect(notices[0]!.subject).toContain('Nuevo inicio de sesión')
    expect(notices[0]!.text).toContain('Safari en iPhone')
    expect(notices[0]!.text).toContain('https://cuentas.ecuabots.test/security#sesiones')
  })
})

describe('headers and well-known files', () => {
  it('static assets carry the security headers too', async () => {
    const login = await new Browser().get('/login')
    const css = login.text.match(/href="(\/assets\/app-[0-9a-f]+\.css)"/)![1]!
    const asset = await new Browser().get(css)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('Strict-Transport-Security')).toContain('max-age=')
    expect(asset.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
    expect(asset.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('serves /.well-known/security.txt with a contact and an expiry', async () => {
    const page = await new Browser().get('/.well-known/security.txt')
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/^Contact: mailto:/m)
    expect(page.text).toMatch(/^Expires: \d{4}-/m)
    expect(page.text).toContain('Canonical: https://cuentas.ecuabots.test/.well-known/security.txt')
  })

  it('pages that show account data are never cached', async () => {
    const { browser } = await signedInUser()
    expect((await browser.get('/profile')).headers.get('Cache-Control')).toBe('no-store')
  })
})
