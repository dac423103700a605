import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { DAY } from '../src/clock'
import { knownDevices, passkeys } from '../src/db/schema'
import { advance, askToChange, Browser, db, lastMailTo, linkIn, mailsTo, PASSWORD, sessionsOf, signedInUser, uniqueEmail, userRow, visibleText, accountOf } from './helpers'

// "No fui yo": the link mailed to the old address when a change is asked
// and again when it is confirmed.

/** A passkey row for the account (its keys are not what these tests are about: only that it stays). */
async function addPasskey(userId: string) {
  const id = crypto.randomUUID()
  await db.insert(passkeys).values({ id, userId, credentialId: id, publicKey: 'pk', signCount: 0, backupEligible: false, backedUp: false, aaguid: '0', name: 'Mi teléfono', createdAt: 0 })
  return id
}

describe('«No fui yo»', () => {
  it('after the change was confirmed, it puts the old address back, signs every browser out, removes the passkeys, and mails the old address a link to choose a new password', async () => {
    const { browser, email } = await signedInUser()
    const intruder = new Browser()
    expect((await intruder.post('/login', { email, password: PASSWORD })).status).toBe(303)
    const account = await userRow(email)
    const passkey = await addPasskey(account.id)
    const newEmail = uniqueEmail('intruso')
    const { confirm, undo } = await askToChange(intruder, email, newEmail)
    await new Browser().post(confirm!)
    expect((await userRow(newEmail)).id).toBe(account.id)

    const owner = new Browser()
    const page = await owner.get(undo!)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('RECUPERAR MI CUENTA')
    expect((await userRow(newEmail)).id).toBe(account.id) // the GET changed nothing
    const undone = await owner.post(undo!)
    expect(undone.status).toBe(200)
    expect(visibleText(undone.text)).toContain(`Su cuenta vuelve a usar ${email}`)

    expect((await userRow(email)).id).toBe(account.id)
    expect(await accountOf(newEmail)).toBeUndefined()
    expect(await sessionsOf(email)).toHaveLength(0)
    expect(await db.select().from(knownDevices).where(eq(knownDevices.userId, account.id))).toHaveLength(0)
    for (const signedOut of [browser, intruder]) expect((await signedOut.get('/profile')).status).toBe(303)
    // Whoever changed the address may know the password: it no longer signs in.
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(401)
    expect((await new Browser().post('/login', { email: newEmail, password: PASSWORD })).status).toBe(401)
    // A passkey is a way in that needs no address and no password: whoever held the session could have added it.
    expect(await db.select().from(passkeys).where(eq(passkeys.id, passkey))).toHaveLength(0)

    const reset = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    await owner.get(reset)
    const chosen = await owner.post('/password/reset', { password: 'de-vuelta-2024', password_confirmation: 'de-vuelta-2024' })
    expect(chosen.status).toBe(303)
    const activity = visibleText((await owner.get('/security')).text)
    expect(activity).toContain('Cambio de correo deshecho con «No fui yo»')
  })

  it('while the change is pending, it cancels it: the confirmation link no longer works', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm, undo } = await askToChange(browser, email, newEmail)
    expect((await new Browser().post(undo!)).status).toBe(200)
    expect((await new Browser().post(confirm!)).status).toBe(400)
    expect((await userRow(email)).email).toBe(email)
    expect(await accountOf(newEmail)).toBeUndefined()
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('the link in the mail that says the change was confirmed works too', async () => {
    const { browser, email } = await signedInUser()
    const { confirm } = await askToChange(browser, email, uniqueEmail('nueva'))
    await new Browser().post(confirm!)
    const undo = linkIn(lastMailTo(email, 'email-change-changed'), '/email/undo/')
    expect((await new Browser().post(undo)).status).toBe(200)
    expect((await userRow(email)).email).toBe(email)
  })

  it('used twice, the second time shows the expired page and mails nothing more', async () => {
    const { browser, email } = await signedInUser()
    const { undo } = await askToChange(browser, email, uniqueEmail('nueva'))
    expect((await new Browser().post(undo!)).status).toBe(200)
    const again = await new Browser().post(undo!)
    expect(again.status).toBe(400)
    expect(visibleText(again.text)).toContain('El enlace «No fui yo» venció o ya se usó')
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('clicked twice at once, it acts once: one page says the account is back, the other that the link was used', async () => {
    const { browser, email } = await signedInUser()
    const { undo } = await askToChange(browser, email, uniqueEmail('nueva'))
    const pages = await Promise.all([new Browser().post(undo!), new Browser().post(undo!)])
    expect(pages.map((page) => page.status).sort()).toEqual([200, 400])
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('after 7 days it shows the expired page and changes nothing', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm, undo } = await askToChange(browser, email, newEmail)
    await new Browser().post(confirm!)
    advance(7 * DAY + 1)
    const late = await new Browser().post(undo!)
    expect(late.status).toBe(400)
    expect((await userRow(newEmail)).email).toBe(newEmail)
  })

  it("an intruder who changed the address twice cannot kill the owner's link with the one the second change mailed him", async () => {
    const { email } = await signedInUser()
    const intruder = new Browser()
    await intruder.post('/login', { email, password: PASSWORD })
    const first = uniqueEmail('intruso')
    const one = await askToChange(intruder, email, first)
    await new Browser().post(one.confirm!)
    const second = uniqueEmail('intruso-dos')
    const two = await askToChange(intruder, first, second)
    await new Browser().post(two.confirm!)
    // The second change's "No fui yo" went to the intruder's first address: he uses it.
    expect((await new Browser().post(two.undo!)).status).toBe(200)
    expect((await userRow(first)).email).toBe(first)
    // The owner's link, from the first change, still brings her address back.
    expect((await new Browser().post(one.undo!)).status).toBe(200)
    expect((await userRow(email)).email).toBe(email)
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('survives a password change made by whoever holds the session', async () => {
    const { browser, email } = await signedInUser()
    const { confirm, undo } = await askToChange(browser, email, uniqueEmail('nueva'))
    await new Browser().post(confirm!)
    expect((await browser.post('/profile', { name: 'Intruso', password: 'otra-clave-77', password_confirmation: 'otra-clave-77' })).status).toBe(303)
    expect((await new Browser().post(undo!)).status).toBe(200)
    expect((await userRow(email)).email).toBe(email)
  })

  it('when another account was made with the old address since the change, it says to write to support and changes nothing', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm, undo } = await askToChange(browser, email, newEmail)
    await new Browser().post(confirm!)
    await signedInUser({ email })
    const page = await new Browser().post(undo!)
    expect(page.status).toBe(409)
    expect(visibleText(page.text)).toContain('Escríbanos a')
    expect((await userRow(newEmail)).email).toBe(newEmail)
    expect(await sessionsOf(newEmail)).toHaveLength(1)
  })
})
