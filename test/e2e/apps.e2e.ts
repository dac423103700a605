import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { clickThrough, launchChromium, mailAfter, newVisitor, uniqueEmail, type Browser } from './support'

// Issue 13, end to end: the example CRM (examples/crm, its own Worker on
// its own origin) asks the accounts Worker who is signed in over Workers
// RPC; a person signs in on the accounts origin and lands signed in on the
// CRM, signs out there, and the accounts side sees it.
const crmUrl = inject('crmUrl')
const appsUrl = inject('appsUrl')

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe('signing in to an app on another origin', () => {
  it('the CRM sends the person to sign in, they land back on the CRM signed in, and "Cerrar sesión" there signs them out here', async () => {
    const email = uniqueEmail('crm')
    const setup = await newVisitor(browser)
    const signup = await setup.newPage()
    await signup.goto(`${appsUrl}/signup`)
    await signup.fill('#name', 'Rocío Andrade')
    await signup.fill('#email', email)
    await signup.fill('#password', 'faro-del-sur-12')
    await signup.fill('#password_confirmation', 'faro-del-sur-12')
    const mail = await mailAfter(email, 'email-verification', () => clickThrough(signup, 'button.button'))
    await signup.goto(mail.TextBody.match(new RegExp(`${appsUrl}/email/verify/\\S+`))![0]) // links come from this instance's APP_URL
    await signup.click('button.button')
    await signup.waitForURL(/\/profile/)
    await setup.close()

    const visitor = await newVisitor(browser)
    const page = await visitor.newPage()
    await page.goto(`${crmUrl}/`)
    expect(new URL(page.url()).origin).toBe(appsUrl) // sent to sign in on the accounts origin
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.fill('#email', email)
    await page.fill('#password', 'faro-del-sur-12')
    await page.click('button.button')
    await page.waitForURL(`${crmUrl}/`)
    expect(await page.textContent('h1')).toBe('Hola, Rocío Andrade')

    await page.click('text=Cerrar sesión')
    await page.waitForURL(/\/login/)
    await page.goto(`${appsUrl}/profile`)
    expect(new URL(page.url()).pathname).toBe('/login') // the accounts side sees it
    await page.goto(`${crmUrl}/`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await visitor.close()
  })
})
