import { describe, expect, it } from 'vitest'
import { askToChange, Browser, mailsTo, signedInUser, uniqueEmail, userRow, visibleText, accountOf } from './helpers'

// Simultaneous clicks on address-change links: D1 runs each batch as one
// transaction, so they serialize and the guards decide, never the UNIQUE
// constraint (which would be a 500).

describe('address changes at the same moment', () => {
  it('two accounts confirming the same new address at once: one gets it, the other is told the address already has an account', async () => {
    const ana = await signedInUser()
    const beto = await signedInUser()
    const shared = uniqueEmail('compartida')
    const forAna = await askToChange(ana.browser, ana.email, shared)
    const forBeto = await askToChange(beto.browser, beto.email, shared)
    expect(forAna.confirm).not.toBe(forBeto.confirm)
    const pages = await Promise.all([new Browser().post(forAna.confirm!), new Browser().post(forBeto.confirm!)])
    expect(pages.map((page) => page.status).sort()).toEqual([200, 409])
    const lost = pages.find((page) => page.status === 409)!
    expect(visibleText(lost.text)).toContain(`${shared} ya es la dirección de otra cuenta`)
    const winner = await userRow(shared)
    const unchanged = [await accountOf(ana.email), await accountOf(beto.email)].filter(Boolean)
    expect(unchanged).toHaveLength(1)
    expect(unchanged[0]!.id).not.toBe(winner.id)
  })

  it('one confirmation link clicked twice at once changes the address once; the other click shows the expired page', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm } = await askToChange(browser, email, newEmail)
    const pages = await Promise.all([new Browser().post(confirm!), new Browser().post(confirm!)])
    expect(pages.map((page) => page.status).sort()).toEqual([200, 400])
    expect((await userRow(newEmail)).email).toBe(newEmail)
    expect(mailsTo(email, 'email-change-changed')).toHaveLength(1)
  })

  it('a sign-up with the new address racing its confirmation: one account ends up with it, and nobody sees an error page', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm } = await askToChange(browser, email, newEmail)
    const [confirmed, signUp] = await Promise.all([
      new Browser().post(confirm!),
      new Browser().post('/signup', { name: 'Otra', email: newEmail, password: 'clave-ajena-55', password_confirmation: 'clave-ajena-55' }),
    ])
    expect([200, 409]).toContain(confirmed.status)
    expect(signUp.status).toBeLessThan(500)
    // Whichever committed first holds it; the confirmation either moved the account or left it where it was.
    if (confirmed.status === 200) expect(await accountOf(email)).toBeUndefined()
    else expect((await userRow(email)).email).toBe(email)
    expect(await accountOf(newEmail)).toBeDefined()
  })
})
