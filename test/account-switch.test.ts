import { describe, expect, it } from 'vitest'
import { Browser, codeIn, lastMailTo, linkIn, PASSWORD, requestReset, signedInUser, uniqueEmail, visibleText } from './helpers'

// Login CSRF with the attacker's own link: a link or code page names the
// account it acts on, and asks before switching from the one signed in.

describe('login CSRF with the attacker\'s own link', () => {
  async function twoAccounts() {
    const signedIn = await signedInUser({ email: uniqueEmail('bea') })
    const attacker = uniqueEmail('mallory')
    return { browser: signedIn.browser, attacker }
  }

  it('a sign-in link of another account names it, and its button says so before switching', async () => {
    const { browser, attacker } = await twoAccounts()
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    await new Browser().post('/login/email', { email: attacker })
    const link = linkIn(lastMailTo(attacker, 'login-link'), '/login/email/')
    const page = await browser.get(link)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(`Este enlace es de la cuenta m•••${attacker.split('@')[0]!.at(-1)}@example.com`)
    const pressed = await browser.post(link) // a form without the confirmation (e.g. auto-submitted by another site's page is refused by CSRF; this is the old button)
    expect(pressed.status).toBe(409)
    expect(visibleText(pressed.text)).toContain('Ahora tiene abierta la sesión de b•••')
    expect((await browser.get('/profile')).status).toBe(200)
    const confirmed = await browser.post(link, { switch: '1' })
    expect(confirmed.status).toBe(303)
  })

  it('a confirmation link and a reset link of another account do the same', async () => {
    const { browser, attacker } = await twoAccounts()
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    const verify = linkIn(lastMailTo(attacker, 'email-verification'), '/email/verify/')
    const verifyPage = await browser.get(verify)
    expect(visibleText(verifyPage.text)).toContain('Cuenta: m•••')
    expect(visibleText(verifyPage.text)).toContain('Ahora tiene abierta la sesión de b•••')
    expect((await browser.post(verify)).status).toBe(409)
    await browser.get(await requestReset(attacker))
    const reset = await browser.post('/password/reset', { password: 'otra-clave-31', password_confirmation: 'otra-clave-31' })
    expect(reset.status).toBe(409)
    expect(visibleText(reset.text)).toContain('Cuenta: m•••')
    const profile = await browser.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).toContain('bea-')
    expect((await new Browser().post('/login', { email: attacker, password: 'otra-clave-31' })).status).toBe(401) // nothing was changed
  })

  it('the pages name the account even when nobody is signed in', async () => {
    const email = uniqueEmail('ana')
    await new Browser().post('/signup', { name: 'A', email, password: PASSWORD, password_confirmation: PASSWORD })
    const page = await new Browser().get(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toMatch(/Cuenta: a•••[0-9a-f]@example\.com/)
    expect(visibleText(page.text)).not.toContain('Ahora tiene abierta la sesión')
  })

  it("the switch warning tells apart two accounts that mask alike", async () => {
    const tag = crypto.randomUUID().slice(0, 6)
    const { browser } = await signedInUser({ email: `bea${tag}x@gmail.com` })
    const attacker = `bmallory${tag}x@gmail.com`
    await new Browser().post('/signup', { name: 'M', email: attacker, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    await new Browser().post('/login/email', { email: attacker })
    const page = visibleText((await browser.get(linkIn(lastMailTo(attacker, 'login-link'), '/login/email/'))).text)
    expect(page).toContain(`Ahora tiene abierta la sesión de bea${tag}x@gmail.com. Este enlace es de la cuenta ${attacker}`)
  })

  it('the confirmation, reset and "Continuar como" pages name the account they act on', async () => {
    const { email } = await signedInUser({ email: uniqueEmail('carla') })
    const resetting = new Browser()
    await resetting.get(await requestReset(email))
    expect(visibleText((await resetting.get('/password/reset')).text)).toMatch(/Cuenta: c•••[0-9a-f]@example\.com/)
    await new Browser().post('/login/email', { email })
    const continueAs = await new Browser().get(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(visibleText(continueAs.text)).toMatch(/Cuenta: c•••[0-9a-f]@example\.com/)
  })
})

describe('a failed link or code leaves the current session alone', () => {
  it('a POST to a dead sign-in or confirmation link, or a wrong code, leaves the current session alone', async () => {
    const { browser, email } = await signedInUser()
    expect((await browser.post(`/login/email/${'Z'.repeat(43)}`)).status).toBe(400)
    expect((await browser.post(`/email/verify/${'Z'.repeat(43)}`)).status).toBe(400)
    await browser.post('/login/email', { email })
    expect((await browser.post('/login/code', { code: '000000' === codeIn(lastMailTo(email, 'login-link')) ? '111111' : '000000' })).status).toBe(422)
    expect((await browser.get('/profile')).status).toBe(200)
  })
})
