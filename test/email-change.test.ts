import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { DAY, MINUTE } from '../src/clock'
import { emailChangeLinks, emailChanges } from '../src/db/schema'
import { hourly } from './helpers/outbox'
import { advance, askToChange, Browser, db, lastMailTo, linkIn, mailsTo, PASSWORD, sessionsOf, signedInUser, uniqueEmail, userRow, visibleText, accountOf } from './helpers'

// "Cambiar correo electrónico" (issue 22): the request, the link to the new
// address, and what a person sees at each step. "No fui yo" and the races
// are in email-change-undo.test.ts and email-change-races.test.ts.

describe('changing the address', () => {
  it('the new address becomes the account\'s only once its link is used; the old one is told at once and again when it changed', async () => {
    const { browser, email } = await signedInUser()
    const profile = await browser.get('/profile')
    expect(visibleText(profile.text)).toContain('Cambiar correo electrónico')
    const form = await browser.get('/profile/email')
    expect(form.status).toBe(200)
    expect(visibleText(form.text)).toContain(`Su correo actual es ${email}`)

    const newEmail = uniqueEmail('nueva')
    const { page, confirm, undo } = await askToChange(browser, email, newEmail)
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(`Le enviamos un enlace a ${newEmail}`)
    expect(confirm).toBeTruthy()
    expect(undo).toBeTruthy()
    expect(lastMailTo(email, 'email-change-requested').text).toContain(newEmail)
    expect((await userRow(email)).email).toBe(email) // nothing changed yet

    const security = visibleText((await browser.get('/security')).text)
    expect(security).toContain('Cambios de correo pendientes')
    expect(security).toContain(`A ${newEmail}`)
    expect(security).toContain('Pidió cambiar el correo electrónico')

    // The GET only shows the button (mail scanners open links).
    const opened = await new Browser().get(confirm!)
    expect(opened.status).toBe(200)
    expect(visibleText(opened.text)).toContain('CONFIRMAR MI NUEVO CORREO')
    expect(await accountOf(newEmail)).toBeUndefined()

    const confirmed = await new Browser().post(confirm!)
    expect(confirmed.status).toBe(200)
    expect(visibleText(confirmed.text)).toContain(`Desde ahora su cuenta usa ${newEmail}`)
    expect(await accountOf(email)).toBeUndefined()
    expect((await userRow(newEmail)).email).toBe(newEmail)
    const changedMail = lastMailTo(email, 'email-change-changed')
    expect(changedMail.text).toContain(newEmail)
    expect(linkIn(changedMail, '/email/undo/')).toMatch(/^\/email\/undo\//)

    const after = visibleText((await browser.get('/security')).text)
    expect(after).toContain('Correo electrónico cambiado')
    expect(after).not.toContain('Cambios de correo pendientes')
    expect(visibleText((await browser.get('/profile')).text)).toContain(newEmail)
  })

  it('after the change, the password signs in with the new address and no longer with the old one', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm } = await askToChange(browser, email, newEmail)
    await new Browser().post(confirm!)
    const withOld = await new Browser().post('/login', { email, password: PASSWORD })
    expect(withOld.status).toBe(401)
    expect(visibleText(withOld.text)).toContain('El correo electrónico o la contraseña no son correctos')
    const withNew = await new Browser().post('/login', { email: newEmail, password: PASSWORD })
    expect(withNew.status).toBe(303)
  })

  it('a reset asked for the new address reaches it; one asked for the old address sends nothing', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm } = await askToChange(browser, email, newEmail)
    await new Browser().post(confirm!)
    await new Browser().post('/password/forgot', { email: newEmail })
    await new Browser().post('/password/forgot', { email })
    expect(mailsTo(newEmail, 'password-reset')).toHaveLength(1)
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
  })

  it('a session older than 10 minutes must give the current password, and a wrong one changes nothing', async () => {
    const { browser, email } = await signedInUser()
    advance(11 * MINUTE)
    const form = visibleText((await browser.get('/profile/email')).text)
    expect(form).toContain('Contraseña actual')
    const newEmail = uniqueEmail('nueva')
    const blank = await browser.post('/profile/email', { email: newEmail })
    expect(blank.status).toBe(422)
    expect(visibleText(blank.text)).toContain('Ingrese su contraseña actual')
    const wrong = await browser.post('/profile/email', { email: newEmail, current_password: 'no-es-esta-9' })
    expect(wrong.status).toBe(422)
    expect(visibleText(wrong.text)).toContain('La contraseña actual no es correcta')
    expect(mailsTo(newEmail)).toHaveLength(0)
    const right = await browser.post('/profile/email', { email: newEmail, current_password: PASSWORD })
    expect(right.status).toBe(200)
    expect(mailsTo(newEmail, 'email-change-confirm')).toHaveLength(1)
    expect((await userRow(email)).email).toBe(email)
  })

  it('a malformed address, one with a name around it, or the account\'s own address in capitals gets a clear message and a 422', async () => {
    const { browser, email } = await signedInUser()
    const cases: [string, string][] = [
      ['', 'Ingrese su correo electrónico'],
      ['no-es-un-correo', 'Ingrese un correo electrónico válido'],
      [`Ana <${uniqueEmail()}>`, 'Escriba solo la dirección de correo'],
      [`  ${email.toUpperCase()} `, 'Esa ya es la dirección de su cuenta'],
    ]
    for (const [typed, message] of cases) {
      const page = await browser.post('/profile/email', { email: typed })
      expect(page.status, typed).toBe(422)
      expect(visibleText(page.text)).toContain(message)
    }
    expect(await db.select().from(emailChanges).where(eq(emailChanges.userId, (await userRow(email)).id))).toHaveLength(0)
  })

  it('asking for an address that another account holds looks exactly like asking for a free one', async () => {
    const { browser, email } = await signedInUser()
    const other = await signedInUser()
    const free = uniqueEmail('libre')
    const taken = await askToChange(browser, email, other.email)
    const untaken = await askToChange(browser, email, free)
    expect(taken.page.status).toBe(untaken.page.status)
    expect(visibleText(taken.page.text).replaceAll(other.email, 'X')).toBe(visibleText(untaken.page.text).replaceAll(free, 'X'))
    expect(taken.confirm).toBeTruthy() // the holder of that mailbox is the only one who learns it, at the link
  })

  it('opening the link in a mailbox whose address another account holds says so and changes nothing', async () => {
    const { browser, email } = await signedInUser()
    const other = await signedInUser()
    const { confirm } = await askToChange(browser, email, other.email)
    const page = await new Browser().post(confirm!)
    expect(page.status).toBe(409)
    expect(visibleText(page.text)).toContain(`${other.email} ya es la dirección de otra cuenta`)
    expect((await userRow(email)).email).toBe(email)
    expect((await userRow(other.email)).id).not.toBe((await userRow(email)).id)
  })

  it('a used confirmation link shows the expired page', async () => {
    const { browser, email } = await signedInUser()
    const { confirm } = await askToChange(browser, email, uniqueEmail('nueva'))
    expect((await new Browser().post(confirm!)).status).toBe(200)
    for (const again of [await new Browser().get(confirm!), await new Browser().post(confirm!)]) {
      expect(again.status).toBe(400)
      expect(visibleText(again.text)).toContain('Este enlace ya no es válido')
    }
  })

  it('a confirmation link older than 24 hours shows the expired page and changes nothing', async () => {
    const { browser, email } = await signedInUser()
    const { confirm } = await askToChange(browser, email, uniqueEmail('nueva'))
    advance(24 * 60 * MINUTE + 1)
    const late = await new Browser().post(confirm!)
    expect(late.status).toBe(400)
    expect((await userRow(email)).email).toBe(email)
  })

  it('a second request replaces the first: only the newest link changes the address', async () => {
    const { browser, email } = await signedInUser()
    const first = await askToChange(browser, email, uniqueEmail('primera'))
    const secondEmail = uniqueEmail('segunda')
    const second = await askToChange(browser, email, secondEmail)
    expect((await new Browser().post(first.confirm!)).status).toBe(400)
    expect((await new Browser().post(second.confirm!)).status).toBe(200)
    expect((await userRow(secondEmail)).email).toBe(secondEmail)
  })

  it('a pending change cancelled on Seguridad: its link no longer works, and it leaves the list', async () => {
    const { browser, email } = await signedInUser()
    const { confirm } = await askToChange(browser, email, uniqueEmail('nueva'))
    const [change] = await db.select().from(emailChanges).where(eq(emailChanges.userId, (await userRow(email)).id))
    const cancelled = await browser.post(`/security/email-changes/${change!.id}/cancel`)
    expect(cancelled.status).toBe(303)
    const security = visibleText((await browser.get(cancelled.location!)).text)
    expect(security).toContain('Cancelamos el cambio de correo')
    expect(security).not.toContain('Cambios de correo pendientes')
    expect((await new Browser().post(confirm!)).status).toBe(400)
    expect((await userRow(email)).email).toBe(email)
  })

  it("another account cannot cancel someone's pending change", async () => {
    const owner = await signedInUser()
    const stranger = await signedInUser()
    const { confirm } = await askToChange(owner.browser, owner.email, uniqueEmail('nueva'))
    const [change] = await db.select().from(emailChanges).where(eq(emailChanges.userId, (await userRow(owner.email)).id))
    await stranger.browser.post(`/security/email-changes/${change!.id}/cancel`)
    expect((await new Browser().post(confirm!)).status).toBe(200)
  })

  it('a reset link used as a confirmation or «No fui yo» link is refused', async () => {
    const { browser, email } = await signedInUser()
    await askToChange(browser, email, uniqueEmail('nueva'))
    await new Browser().post('/password/forgot', { email })
    const resetToken = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/').split('/').at(-1)
    expect((await new Browser().post(`/email/change/${resetToken}`)).status).toBe(400)
    expect((await new Browser().post(`/email/undo/${resetToken}`)).status).toBe(400)
    expect((await userRow(email)).email).toBe(email)
    expect(await sessionsOf(email)).toHaveLength(1)
  })

  it('a confirmation link used as a «No fui yo» link is refused, and the other way round', async () => {
    const { browser, email } = await signedInUser()
    const newEmail = uniqueEmail('nueva')
    const { confirm, undo } = await askToChange(browser, email, newEmail)
    const token = (path: string) => path.split('/').at(-1)
    expect((await new Browser().post(`/email/undo/${token(confirm!)}`)).status).toBe(400)
    expect((await new Browser().post(`/email/change/${token(undo!)}`)).status).toBe(400)
    expect(await sessionsOf(email)).toHaveLength(1)
    expect((await new Browser().post(confirm!)).status).toBe(200)
  })
  it('the hourly sweep drops the links once both have expired, and keeps the change in the history', async () => {
    const { browser, email } = await signedInUser()
    await askToChange(browser, email, uniqueEmail('nueva'))
    const [change] = await db.select().from(emailChanges).where(eq(emailChanges.userId, (await userRow(email)).id))
    const links = () => db.select().from(emailChangeLinks).where(eq(emailChangeLinks.changeId, change!.id))
    advance(2 * DAY)
    await hourly()
    expect(await links()).toHaveLength(1) // the "No fui yo" link still has five days
    advance(6 * DAY)
    await hourly()
    expect(await links()).toHaveLength(0)
    expect(await db.select().from(emailChanges).where(eq(emailChanges.id, change!.id))).toHaveLength(1)
  })
})
