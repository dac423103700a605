import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, HOUR } from '../src/clock'
import { Browser, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

// Issue 19, points 10, 12 and 14 (the sign-in side): the address typed on
// /login goes along to the pages that mail a link, a browser whose session
// was closed elsewhere is told why it is signed out, sessions tell apart,
// and the sign-in copy says only what can help.

afterEach(() => vi.restoreAllMocks())

/** Tests that hash several passwords (sign-ups, sign-ins): room for a loaded machine. */
const SIGN_UP_AND_SIGN_IN = 30_000

const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'
const SAME_ORIGIN = { 'Sec-Fetch-Site': 'same-origin' }

function valueOf(html: string, name: string) {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1]
}

describe('the address typed on /login goes along (point 10)', () => {
  it('"Olvidé mi contraseña" opened with the typed address finds it in its field, and the address leaves the URL at once', async () => {
    const browser = new Browser()
    const email = uniqueEmail('olvido')
    const carried = await browser.get(`/password/forgot?email=${encodeURIComponent(email)}`, SAME_ORIGIN)
    expect(carried.status).toBe(303)
    expect(carried.location).toBe('/password/forgot')
    expect(valueOf((await browser.get('/password/forgot')).text, 'email')).toBe(email)
  })

  it('"Recibir un enlace de acceso" too, keeping where it came from', async () => {
    const browser = new Browser()
    const email = uniqueEmail('enlace')
    const carried = await browser.get(`/login/email?from=forgot&email=${encodeURIComponent(email)}`, SAME_ORIGIN)
    expect(carried.location).toBe('/login/email?from=forgot')
    expect(valueOf((await browser.get('/login/email')).text, 'email')).toBe(email)
  })

  it('another site cannot choose the address prefilled, and a malformed one is dropped', async () => {
    const planted = new Browser()
    const carried = await planted.get(`/password/forgot?email=${encodeURIComponent(uniqueEmail('intruso'))}`, { 'Sec-Fetch-Site': 'cross-site' })
    expect(carried.location).toBe('/password/forgot')
    expect(valueOf((await planted.get('/password/forgot')).text, 'email')).toBeUndefined()
    // A link opened from a mail or chat app (none) or by a browser without Fetch Metadata (no header) plants nothing either.
    for (const headers of [{ 'Sec-Fetch-Site': 'none' }, {}] as Record<string, string>[]) {
      const fromOutside = new Browser()
      await fromOutside.get(`/login/email?email=${encodeURIComponent(uniqueEmail('intruso'))}`, headers)
      expect(valueOf((await fromOutside.get('/login')).text, 'email')).toBeUndefined()
    }
    const malformed = new Browser()
    await malformed.get('/password/forgot?email=no-es-un-correo', SAME_ORIGIN)
    expect(valueOf((await malformed.get('/password/forgot')).text, 'email')).toBeUndefined()
  })

  it('the sign-in page marks both links for its script, which works without JavaScript as plain links', async () => {
    const html = (await new Browser().get('/login')).text
    expect(html).toMatch(/<a href="\/password\/forgot" data-carry-email[^>]*>\s*Olvidé mi contraseña/)
    expect(html).toMatch(/<a href="\/login\/email" data-carry-email[^>]*>\s*Recibir un enlace de acceso/)
  })
})

describe('sessions closed elsewhere, told apart, and counted right (point 12)', () => {
  it(
    'a browser whose session was closed from another device is told so on the login it lands on, once; a stranger is told nothing',
    async () => {
      const { browser: laptop, email } = await signedInUser()
      const phone = new Browser()
      await phone.post('/login', { email, password: PASSWORD }, { 'User-Agent': ANDROID_CHROME })
      // The laptop closes the phone's session on Seguridad.
      const security = (await laptop.get('/security')).text
      const row = security.split('<li>').find((item) => item.includes('Chrome en Android'))!
      await laptop.post(row.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!)
      // The phone's next page sends it to /login, which says why.
      const profile = await phone.get('/profile')
      expect(profile.status).toBe(303)
      const login = await phone.get(profile.location!)
      expect(visibleText(login.text)).toContain('Su sesión en este navegador se cerró desde otro dispositivo o desde una aplicación. Inicie sesión de nuevo para continuar.')
      // Said once, not on every visit afterwards.
      expect(visibleText((await phone.get('/login')).text)).not.toContain('se cerró desde otro dispositivo')
      // Someone who never had that session sees the plain sign-in.
      expect(visibleText((await new Browser().get('/login?next=/profile')).text)).not.toContain('se cerró')
      // Signing out here is not "closed elsewhere".
      await laptop.post('/logout')
      const signedOut = visibleText((await laptop.get('/login?aviso=sesion-cerrada')).text)
      expect(signedOut).toContain('Cerró su sesión.')
      expect(signedOut).not.toContain('se cerró desde otro dispositivo')
    },
    SIGN_UP_AND_SIGN_IN,
  )

  it(
    'two sessions from like phones read apart on Seguridad: each row has its place, when it started and when it was last seen',
    async () => {
      const { browser, email } = await signedInUser()
      const signIn = (city: string) =>
        new Browser().request('/login', {
          method: 'POST',
          body: new URLSearchParams({ email, password: PASSWORD }),
          headers: { Origin: 'https://cuentas.ecuabots.test', 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': ANDROID_CHROME },
          cf: { city, country: 'EC' },
        } as RequestInit & { headers: Record<string, string> })
      await signIn('Quito')
      vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 2 * HOUR)
      await signIn('Cuenca')
      vi.restoreAllMocks()
      const html = (await browser.get('/security')).text
      const section = html.slice(html.indexOf('<section id="sesiones"'), html.indexOf('<section id="actividad"'))
      const rows = section.split('<li>').slice(1).map((row) => visibleText(row.slice(0, row.indexOf('</li>')))).filter((row) => row.includes('Chrome en Android'))
      expect(rows).toHaveLength(2)
      for (const row of rows) expect(row).toMatch(/^Chrome en Android (Quito|Cuenca), Ecuador · Inició .+ con contraseña · Última actividad .+ Cerrar sesión$/)
      expect(new Set(rows).size).toBe(2)
    },
    SIGN_UP_AND_SIGN_IN,
  )

  it(
    'closing one session reads "Sesión cerrada"; closing all the others reads "Sesiones cerradas"',
    async () => {
      const { browser, email } = await signedInUser()
      await new Browser().post('/login', { email, password: PASSWORD }, { 'User-Agent': ANDROID_CHROME })
      await new Browser().post('/login', { email, password: PASSWORD })
      const security = (await browser.get('/security')).text
      const row = security.split('<li>').find((item) => item.includes('Chrome en Android'))!
      await browser.post(row.match(/action="(\/profile\/sessions\/[a-z0-9]+\/revoke)"/)![1]!)
      const activity = async () => {
        const page = (await browser.get('/security')).text
        return visibleText(page.slice(page.indexOf('<section id="actividad"')))
      }
      expect(await activity()).toMatch(/^Actividad de seguridad Sesión cerrada /)
      await browser.post('/profile/sessions/revoke-others') // a fresh session: no password asked
      expect(await activity()).toMatch(/^Actividad de seguridad Sesiones cerradas .+ Sesión cerrada /)
    },
    SIGN_UP_AND_SIGN_IN,
  )
})

describe('sign-in copy that only says what helps (point 14)', () => {
  it(
    'a wrong password gets the plain answer; only the browser that just signed up is reminded to confirm first',
    async () => {
      const email = uniqueEmail()
      const signing = new Browser()
      await signing.post('/signup', { name: 'Nueva', email, password: PASSWORD, password_confirmation: PASSWORD })
      const here = visibleText((await signing.post('/login', { email, password: PASSWORD })).text)
      expect(here).toContain('El correo electrónico o la contraseña no son correctos. Si acaba de crear su cuenta en este navegador y aún no la confirmó, primero confírmela')
      // Any other browser, for this unconfirmed account or an address with none: the same plain answer.
      const elsewhere = await new Browser().post('/login', { email, password: PASSWORD })
      const nobody = await new Browser().post('/login', { email: uniqueEmail('nadie'), password: PASSWORD })
      expect(elsewhere.status).toBe(401)
      expect(visibleText(elsewhere.text)).toContain('El correo electrónico o la contraseña no son correctos.')
      expect(visibleText(elsewhere.text)).not.toContain('Si acaba de crear su cuenta')
      expect(visibleText(nobody.text).replace(/\S+@example\.com/, '')).toBe(visibleText(elsewhere.text).replace(/\S+@example\.com/, ''))
    },
    SIGN_UP_AND_SIGN_IN,
  )

  it('the password hint says too common ones are refused, and "123456" is refused as it says', async () => {
    const page = visibleText((await new Browser().get('/signup')).text)
    expect(page).toContain('Al menos 6 caracteres. No se aceptan contraseñas muy comunes, como 123456.')
    const refused = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail(), password: '123456', password_confirmation: '123456' })
    expect(refused.status).toBe(422)
    expect(visibleText(refused.text)).toContain('Esta contraseña es demasiado común.')
  })
})
