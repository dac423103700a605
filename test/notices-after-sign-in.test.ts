import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

/**
 * A one-shot notice (?aviso=…, src/http/notices.ts) is said only to the
 * browser the act itself sent there. Set on a path the browser did not
 * take, or left unread when someone else signs in, it must not greet the
 * next account at that browser.
 */
const CONFIRMED = 'Su correo electrónico fue confirmado'

async function signUpAndConfirm(browser: Browser, email: string, next?: string) {
  if (next) await browser.get(`/login?next=${encodeURIComponent(next)}`)
  await browser.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
  return browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
}

describe('a notice is said only on the way actually taken', () => {
  it('confirming an address on the way to Seguridad says nothing later at /profile?aviso=verificado', async () => {
    const browser = new Browser()
    const confirmed = await signUpAndConfirm(browser, uniqueEmail(), '/security')
    expect(confirmed.location).toBe('/security')
    expect(browser.cookie('__Host-aviso')).toBeUndefined()
    const profile = await browser.get('/profile?aviso=verificado')
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).not.toContain(CONFIRMED)
  })

  it('another account signing in at the browser does not see the notice the last one left unread', async () => {
    const browser = new Browser()
    const confirmed = await signUpAndConfirm(browser, uniqueEmail())
    expect(confirmed.location).toBe('/profile?aviso=verificado')
    // The first person closes the tab before the profile opens; someone else signs in here.
    const { email } = await signedInUser()
    const signIn = await browser.post('/login', { email, password: PASSWORD })
    expect(signIn.status).toBe(303)
    const profile = await browser.get('/profile?aviso=verificado')
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain(email)
    expect(visibleText(profile.text)).not.toContain(CONFIRMED)
  })

  it('the notice of the way taken is still said, once', async () => {
    const browser = new Browser()
    const confirmed = await signUpAndConfirm(browser, uniqueEmail())
    expect(confirmed.location).toBe('/profile?aviso=verificado')
    expect(visibleText((await browser.get('/profile?aviso=verificado')).text)).toContain(CONFIRMED)
    expect(visibleText((await browser.get('/profile?aviso=verificado')).text)).not.toContain(CONFIRMED)
  })
})
