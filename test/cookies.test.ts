import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, PASSWORD, requestReset, signedInUser, uniqueEmail } from './helpers'

// Cookie tossing: a sibling subdomain can set cookies for this one, so every
// cookie is __Host- (the browser refuses one set with a Domain or another
// Path) and a cookie under a name without the prefix is ignored.

describe('cookie tossing', () => {
  it('every cookie is __Host-: Secure, Path=/, no Domain', async () => {
    const email = uniqueEmail()
    const browser = new Browser()
    const lines = [
      ...(await browser.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })).headers.getSetCookie(),
      ...(await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).headers.getSetCookie(),
      ...(await browser.post('/login/email', { email })).headers.getSetCookie(),
    ]
    lines.push(...(await browser.get(await requestReset(email, browser))).headers.getSetCookie())
    expect(lines.length).toBeGreaterThanOrEqual(5)
    for (const line of lines) {
      expect(line).toMatch(/^__Host-/)
      expect(line).toMatch(/; Secure/)
      expect(line).toMatch(/; Path=\/(;|$)/)
      expect(line).not.toMatch(/Domain=/i)
    }
  })

  it('a session cookie planted under the old name by a sibling subdomain is ignored', async () => {
    const { browser } = await signedInUser()
    const token = browser.cookie('__Host-session')!
    const planted = await new Browser().get('/profile', { Cookie: `session=${token}` })
    expect(planted.status).toBe(303)
    expect(planted.location).toMatch(/^\/login/)
  })
})
