import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock } from '../src/clock'
import { Browser, lastMailTo, linkIn, mailsTo, ORIGIN, PASSWORD, signedInUser, visibleText } from './helpers'
import { addPasskey, SoftAuthenticator } from './helpers/webauthn'

// Issue 19, point 14: a time in a mail or on a page carries its offset, in
// the zone the request came from when Cloudflare names one, else UTC — never
// "hora de Ecuador" (or Ecuador's hour unlabelled) for every country; a
// reset on a new device sends one mail, not two.

afterEach(() => vi.restoreAllMocks())

/** Tests that hash several passwords: room for a loaded machine. */
const SEVERAL_HASHES = 30_000

const AT = Date.UTC(2026, 11, 2, 15, 0) // 2 Dec 2026, 15:00 UTC

/** The profile's password change, from a request Cloudflare placed in `cf`. */
function changePassword(browser: Browser, cf: Record<string, string>) {
  return browser.request('/profile', {
    method: 'POST',
    body: new URLSearchParams({ name: 'Ana', password: 'otra-clave-77', password_confirmation: 'otra-clave-77', current_password: PASSWORD }),
    headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded' },
    cf,
  } as RequestInit & { headers: Record<string, string> })
}

describe('times in mails', () => {
  it(
    'in the zone the request came from, with its offset: a change made in Mexico City reads 9:00 (UTC-6)',
    async () => {
      const { browser, email } = await signedInUser()
      vi.spyOn(clock, 'now').mockReturnValue(AT)
      expect((await changePassword(browser, { city: 'Ciudad de México', country: 'MX', timezone: 'America/Mexico_City' })).status).toBe(303)
      const mail = lastMailTo(email, 'password-changed').text
      expect(mail).toMatch(/fue cambiada el 2 de diciembre de 2026 a las 9:00 \(UTC-6\) desde /)
      expect(mail).not.toContain('hora de Ecuador')
    },
    SEVERAL_HASHES,
  )

  it(
    'in UTC, saying so, when the zone is unknown or not a zone at all',
    async () => {
      for (const cf of [{}, { timezone: 'Marte/Olympus' }] as Record<string, string>[]) {
        const { browser, email } = await signedInUser()
        vi.spyOn(clock, 'now').mockReturnValue(AT)
        expect((await changePassword(browser, cf)).status).toBe(303)
        expect(lastMailTo(email, 'password-changed').text).toMatch(/fue cambiada el 2 de diciembre de 2026 a las 15:00 \(UTC\) desde /)
        vi.restoreAllMocks()
      }
    },
    SEVERAL_HASHES,
  )
})

describe('times on pages, as in mails', () => {
  /** A signed-in page, from a request Cloudflare placed in `cf`. */
  const pageFrom = (browser: Browser, path: string, cf: Record<string, string>) =>
    browser.request(path, { method: 'GET', headers: {}, cf } as RequestInit & { headers: Record<string, string> })

  it('Seguridad shows its sessions and activity in the zone the request came from, with the offset: 9:00 (UTC-6) from Mexico City', async () => {
    vi.spyOn(clock, 'now').mockReturnValue(AT)
    const { browser } = await signedInUser()
    const page = visibleText((await pageFrom(browser, '/security', { timezone: 'America/Mexico_City' })).text)
    expect(page).toContain('2 dic 2026, 9:00 (UTC-6)')
    expect(page).not.toMatch(/10:00|a\. m\./) // not Ecuador's hour, unlabelled
  })

  it('without a zone (or with one Intl does not know) Seguridad says UTC: 15:00 (UTC)', async () => {
    vi.spyOn(clock, 'now').mockReturnValue(AT)
    const { browser } = await signedInUser()
    for (const cf of [{}, { timezone: 'Marte/Olympus' }] as Record<string, string>[]) {
      const page = visibleText((await pageFrom(browser, '/security', cf)).text)
      expect(page).toContain('2 dic 2026, 15:00 (UTC)')
    }
  })

  it("a passkey's \"Creada\" on the profile reads in the zone of the request too, with the offset", async () => {
    vi.spyOn(clock, 'now').mockReturnValue(AT)
    const { browser } = await signedInUser()
    expect((await addPasskey(browser, await SoftAuthenticator.create())).status).toBe(200)
    const page = visibleText((await pageFrom(browser, '/profile', { timezone: 'Asia/Kolkata' })).text)
    expect(page).toContain('Creada 2 dic 2026, 20:30 (UTC+5:30)')
  })
})

describe('a reset on a new device', () => {
  it(
    'sends one mail: "Su contraseña fue cambiada", naming that device; no "nuevo inicio de sesión" besides',
    async () => {
      const { email } = await signedInUser() // the sign-up device is known
      const phone = new Browser()
      const android = { 'User-Agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36' }
      await phone.post('/password/forgot', { email }, android)
      await phone.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'), android)
      expect((await phone.post('/password/reset', { password: 'otra-clave-77', password_confirmation: 'otra-clave-77' }, android)).status).toBe(303)
      const after = mailsTo(email).filter((mail) => mail.tag !== 'email-verification' && mail.tag !== 'password-reset')
      expect(after.map((mail) => mail.tag)).toEqual(['password-changed'])
      expect(after[0]!.text).toContain('desde Chrome en Android')
      // A later sign-in from yet another device is still announced: only the reset's own is folded in.
      await new Browser().post('/login', { email, password: 'otra-clave-77' })
      expect(mailsTo(email, 'new-sign-in')).toHaveLength(1)
    },
    SEVERAL_HASHES,
  )
})
