import { describe, expect, it } from 'vitest'
import { DAY, MINUTE } from '../src/clock'
import { advance, askToChange, Browser, lastMailTo, linkIn, mailsTo, PASSWORD, setClock, signedIn, signedInUser, turnOnTwoStep, uniqueEmail, userRow, visibleText, withTwoStep } from './helpers'
import { addPasskey, signInWithPasskey, SoftAuthenticator } from './helpers/webauthn'

// «No fui yo» against an intruder who prepared a way back in before the
// owner clicked it (issue 22's attacker review): a passkey, a two-step of
// his own; and the owner clicking every warning mail she got.

/** The reset link «No fui yo» mailed to the old address, used to choose a new password: where it leads. */
async function chooseNewPassword(browser: Browser, email: string) {
  await browser.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
  return browser.post('/password/reset', { password: 'de-vuelta-2026', password_confirmation: 'de-vuelta-2026' })
}

describe('«No fui yo» and what an intruder added', () => {
  it('the passkey and the two-step an intruder added go with it: neither lets him back in, and the owner\'s reset signs her in without his code', async () => {
    const { email } = await signedInUser()
    const intruder = new Browser()
    expect((await intruder.post('/login', { email, password: PASSWORD })).status).toBe(303)
    const hisKey = await SoftAuthenticator.create()
    expect((await addPasskey(intruder, hisKey)).status).toBe(200)
    setClock(Date.now())
    await turnOnTwoStep(intruder)
    const { confirm } = await askToChange(intruder, email, uniqueEmail('intruso'))
    expect((await new Browser().post(confirm!)).status).toBe(200)

    const owner = new Browser()
    const undone = await owner.post(linkIn(lastMailTo(email, 'email-change-changed'), '/email/undo/'))
    expect(undone.status).toBe(200)
    expect(visibleText(undone.text)).toContain('quitamos las llaves de acceso')
    expect(visibleText(undone.text)).not.toContain('sigue activa')
    expect(await signedIn(intruder)).toBe(false)
    const withHisKey = new Browser()
    await signInWithPasskey(withHisKey, hisKey)
    expect(await signedIn(withHisKey)).toBe(false)
    expect((await userRow(email)).twoStepSecret).toBeNull()

    const chosen = await chooseNewPassword(owner, email)
    expect(chosen.status).toBe(303)
    expect(chosen.location).not.toMatch(/^\/login\/two-step/)
    expect(await signedIn(owner)).toBe(true)
  })

  it('a two-step the owner turned on more than a day before the change stays: the old mailbox alone cannot take it off', async () => {
    const { browser, email } = await withTwoStep()
    advance(DAY + MINUTE)
    const { confirm } = await askToChange(browser, email, uniqueEmail('nueva'), { current_password: PASSWORD })
    expect((await new Browser().post(confirm!)).status).toBe(200)
    const oldMailbox = new Browser()
    const undone = await oldMailbox.post(linkIn(lastMailTo(email, 'email-change-changed'), '/email/undo/'))
    expect(undone.status).toBe(200)
    // Should it be an intruder's after all (set up more than a day before), the page says where to turn.
    expect(visibleText(undone.text)).toContain('Su verificación en dos pasos sigue activa: al entrar le pediremos el código de su app. Si no la activó usted, escríbanos a')
    expect((await userRow(email)).twoStepSecret).not.toBeNull()
    expect((await chooseNewPassword(oldMailbox, email)).location).toMatch(/^\/login\/two-step/)
    expect(await signedIn(oldMailbox)).toBe(false)
  })
})

describe('«No fui yo» clicked in every warning mail', () => {
  it('an earlier change\'s link after the account was recovered says so and does nothing again: the reset link it mailed stays good', async () => {
    const { browser, email } = await signedInUser()
    await askToChange(browser, email, uniqueEmail('errata'))
    await askToChange(browser, email, uniqueEmail('buena'))
    const [first, latest] = mailsTo(email, 'email-change-requested').map((mail) => linkIn(mail, '/email/undo/'))
    const owner = new Browser()
    expect((await owner.post(latest!)).status).toBe(200)
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)

    const again = await owner.post(first!)
    expect(again.status).toBe(409)
    expect(visibleText(again.text)).toContain('Ya usó «No fui yo» en un correo más reciente')
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await chooseNewPassword(owner, email)).status).toBe(303)
    expect(visibleText((await owner.get('/security')).text).match(/Cambio de correo deshecho con «No fui yo»/g)).toHaveLength(1)
  })
})
