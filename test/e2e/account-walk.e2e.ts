import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, linkIn, mailAfter, mainText, newVisitor, signUp, uniqueEmail, walkState, type Browser, type Page } from './support'

// Issue 22, "Done when", first point: a person changes the address, undoes it
// from the old mailbox, downloads the data and deletes the account — walked
// on a 390 px phone in Chromium with JavaScript on, as a new user would. Each
// state checks what the page says, runs axe, and is saved as
// docs/screenshots/account-<n>-<state>.png (the table in docs/operations.md).

const PASSWORD = 'cuenta-propia-22'
const NEW_PASSWORD = 'otra-cuenta-23'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const state = (page: Page, name: string) => walkState(page, `account-${name}.png`)

describe('issue 22: an account from start to end, on a phone', () => {
  it('changes the address, the old mailbox says "No fui yo", back in with a new password, downloads the data, deletes the account, and the address signs up again', async () => {
    const email = uniqueEmail('cuenta')
    const taken = uniqueEmail('cuenta-nueva')
    const phone = await newVisitor(browser)
    const page = await phone.newPage()
    await signUp(page, { name: 'Inés Salazar', email, password: PASSWORD })

    await clickThrough(page, 'text=Cambiar correo electrónico')
    expect(await page.textContent('h1')).toBe('Cambiar correo electrónico')
    await state(page, '1-change-form')
    await page.fill('#email', taken)
    let notice: Awaited<ReturnType<typeof mailAfter>> | undefined
    const confirmation = await mailAfter(taken, 'email-change-confirm', async () => {
      notice = await mailAfter(email, 'email-change-requested', () => clickThrough(page, 'button.button'))
    })
    expect(await page.textContent('h1')).toBe('Revise su nuevo correo')
    expect(await mainText(page)).toContain(`Le enviamos un enlace a ${taken}`)
    await state(page, '2-sent')
    expect(notice!.TextBody).toContain('No fui yo')

    // The new mailbox confirms (on this phone).
    await page.goto(linkIn(confirmation, '/email/change/'))
    expect(await page.textContent('h1')).toBe('Confirmar su nuevo correo')
    await state(page, '3-confirm')
    const changed = await mailAfter(email, 'email-change-changed', () => clickThrough(page, 'button.button'))
    expect(await mainText(page)).toContain(`Desde ahora su cuenta usa ${taken}`)
    await state(page, '4-confirmed')

    // The old mailbox's owner did not ask for it: "No fui yo", from another browser.
    const owner = await newVisitor(browser)
    const ownerPage = await owner.newPage()
    await ownerPage.goto(linkIn(changed, '/email/undo/'))
    expect(await ownerPage.textContent('h1')).toBe('No fui yo')
    await state(ownerPage, '5-not-me')
    const reset = await mailAfter(email, 'password-reset', () => clickThrough(ownerPage, 'button.button'))
    expect(await ownerPage.textContent('h1')).toBe('Recuperamos su cuenta')
    await state(ownerPage, '6-recovered')

    // Whoever changed it is signed out everywhere.
    await page.goto(`${baseUrl}/profile`)
    expect(new URL(page.url()).pathname).toBe('/login')

    await ownerPage.goto(linkIn(reset, '/password/reset/'))
    expect(await ownerPage.textContent('h1')).toBe('Elija una nueva contraseña')
    await ownerPage.fill('#password', NEW_PASSWORD)
    await ownerPage.fill('#password_confirmation', NEW_PASSWORD)
    await clickThrough(ownerPage, 'text=GUARDAR CONTRASEÑA')
    expect(await mainText(ownerPage)).toContain('Su contraseña fue restablecida')
    await ownerPage.goto(`${baseUrl}/profile`)
    expect(await mainText(ownerPage)).toContain(email)
    await state(ownerPage, '7-back-in')
    await phone.close()

    // Seguridad: "Sus datos" — one JSON file, downloaded as the phone's browser downloads it.
    await ownerPage.goto(`${baseUrl}/security`)
    await ownerPage.locator('text=Sus datos').scrollIntoViewIfNeeded()
    await state(ownerPage, '8-security-data-and-delete')
    const [download] = await Promise.all([ownerPage.waitForEvent('download'), ownerPage.click('button:has-text("Descargar mis datos")')])
    expect(download.suggestedFilename()).toMatch(/^ecuabots-mis-datos-\d{4}-\d{2}-\d{2}\.json$/)
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8'))
    expect(data.account).toMatchObject({ name: 'Inés Salazar', email, hasPassword: true })
    expect(data.addressChanges).toEqual([expect.objectContaining({ from: email, to: taken, status: 'undone' })])
    expect(data.securityActivity.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['email_change_requested', 'email_changed', 'email_change_undone', 'data_exported']))

    // "Eliminar la cuenta": the address typed to confirm, a farewell mail, signed out.
    await ownerPage.click('text=Quiero eliminar mi cuenta')
    await ownerPage.fill('#eliminar-correo', email)
    await state(ownerPage, '9-delete-confirm')
    await mailAfter(email, 'account-deleted', () => clickThrough(ownerPage, 'button:has-text("Eliminar mi cuenta para siempre")'))
    expect(await ownerPage.textContent('h1')).toBe('Su cuenta fue eliminada')
    await state(ownerPage, '10-deleted')
    await ownerPage.goto(`${baseUrl}/profile`)
    expect(new URL(ownerPage.url()).pathname).toBe('/login')

    // The address is free again: signing up with it works as for anyone new.
    await signUp(ownerPage, { name: 'Inés Salazar', email, password: PASSWORD })
    expect(await mainText(ownerPage)).toContain(email)
    await owner.close()
  })
})
