// A `next` belongs to the address it was typed with: at a shared computer the
// next person, typing her own address, does not inherit the page (or app)
// the previous person chose (src/http/remembered-input.ts).
import { describe, expect, it } from 'vitest'
import { Browser, lastMailTo, linkIn, PASSWORD, signedInUser } from './helpers'

/** The previous person at the shared computer: opened /login?next=/security, typed his address, got the password wrong and left. */
async function leftBehindBy(shared: Browser) {
  const previous = await signedInUser()
  expect((await shared.get('/login?next=/security')).status).toBe(200)
  expect((await shared.post('/login', { email: previous.email, password: 'no-es-esta' })).status).toBe(401)
}

describe('a next left on a shared computer does not carry to the next person', () => {
  it('the next person who asks for an enlace de acceso with her own address and uses it there lands on her profile, not on the page the previous person chose', async () => {
    const shared = new Browser()
    await leftBehindBy(shared)
    const { email } = await signedInUser()
    expect((await shared.post('/login/email', { email })).status).toBe(200)
    const signedIn = await shared.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toMatch(/^\/profile/)
  }, 60_000)

  it('the next person who mistypes her own password once and then gets it right lands on her profile, not on the page the previous person chose', async () => {
    const shared = new Browser()
    await leftBehindBy(shared)
    const { email } = await signedInUser()
    expect((await shared.post('/login', { email, password: 'tampoco-es-esta' })).status).toBe(401)
    const signedIn = await shared.post('/login', { email, password: PASSWORD })
    expect(signedIn.status).toBe(303)
    expect(signedIn.location).toBe('/profile')
  }, 60_000)
})
