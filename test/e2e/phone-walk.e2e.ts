import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import {
  baseUrl,
  clickThrough,
  codeIn,
  countMails,
  launchChromium,
  linkIn,
  mailAfter,
  mainText,
  newVisitor,
  PHONE,
  signUp,
  uniqueEmail,
  walkState,
  type Browser,
  type Page,
} from './support'

// Issue 19, "Done when", second point: walked again as a new user would, on
// a 390 px phone in Chromium with JavaScript on. Each step checks what the
// page says — the heading or notice a person reads — runs axe, and saves
// the state as docs/screenshots/walk-<walk>-<n>-<state>.png (the table in
// docs/operations.md shows them).

const PASSWORD = 'faro-del-sur-12'
const NEW_PASSWORD = 'nueva-ruta-34'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const state = (page: Page, name: string) => walkState(page, `walk-${name}.png`)


/** A browser on a given client address (CF-Connecting-IP, which wrangler dev passes through): an office's wifi, a phone's mobile data. */
function visitorAt(ip: string) {
  return browser.newContext({ viewport: PHONE, extraHTTPHeaders: { 'CF-Connecting-IP': ip } })
}

function randomIp() {
  return `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`
}

/**
 * Moves the start of every session of `email` 11 minutes back, in the app's
 * local D1: past the 10-minute window in which the profile changes a
 * password without the current one. The server's clock cannot be moved from
 * a browser, and waiting 11 minutes is not a test.
 */
async function ageSessionsOf(email: string) {
  const sql = `UPDATE sessions SET created_at = created_at - 660000 WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`
  await promisify(execFile)(join('node_modules', '.bin', 'wrangler'), ['d1', 'execute', 'DB', '--local', '--persist-to', inject('appState'), '--command', sql], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
  })
}

describe('issue 19: the walk of a new user on a phone', () => {
  it('(a) signs up on the laptop, confirms on the phone, chooses a password there, and the laptop gets in with an access link', async () => {
    const email = uniqueEmail('walk-a')
    const laptop = await newVisitor(browser)
    const onLaptop = await laptop.newPage()
    await onLaptop.goto(`${baseUrl}/signup`)
    await onLaptop.fill('#name', 'Diego Ruiz')
    await onLaptop.fill('#email', email)
    await onLaptop.fill('#password', PASSWORD)
    await onLaptop.fill('#password_confirmation', PASSWORD)
    const confirmation = await mailAfter(email, 'email-verification', () => clickThrough(onLaptop, 'button.button'))
    expect(await onLaptop.textContent('h1')).toBe('Revise su bandeja de entrada')
    expect(await mainText(onLaptop)).toContain('¿No llegó en 2 minutos?')
    await state(onLaptop, 'a-1-laptop-signup-sent')

    // The mail is read on the phone.
    const phone = await newVisitor(browser)
    const onPhone = await phone.newPage()
    await onPhone.goto(linkIn(confirmation, '/email/verify/'))
    expect(await onPhone.textContent('h1')).toBe('Confirmar su correo electrónico')
    await state(onPhone, 'a-2-phone-confirm')
    await clickThrough(onPhone, 'button.button')
    expect(new URL(onPhone.url()).pathname).toBe('/profile')
    expect(await onPhone.textContent('.warning')).toContain('Su cuenta aún no tiene contraseña')
    expect(await onPhone.textContent('.warning')).toContain('elija una contraseña aquí abajo y presione GUARDAR PERFIL')
    // There is no password to change yet: the section says to choose one.
    expect(await onPhone.textContent('form h2')).toBe('Elija su contraseña')
    await state(onPhone, 'a-3-phone-no-password-yet')

    // It does what the warning asks: a name, a password, GUARDAR PERFIL.
    await onPhone.fill('#name', 'Diego Ruiz')
    await onPhone.fill('#password', NEW_PASSWORD)
    await onPhone.fill('#password_confirmation', NEW_PASSWORD)
    await clickThrough(onPhone, 'button:has-text("GUARDAR PERFIL")')
    expect(await mainText(onPhone)).not.toContain('aún no tiene contraseña')
    expect(await onPhone.textContent('.notice')).toBe('Guardamos su contraseña. Ya puede iniciar sesión con ella en cualquier dispositivo.')
    await state(onPhone, 'a-4-phone-password-chosen')

    // Back on the laptop, the password typed at sign-up (not kept) is refused, with the way in beside it.
    await onLaptop.goto(`${baseUrl}/login`)
    await onLaptop.fill('#email', email)
    await onLaptop.fill('#password', PASSWORD)
    await clickThrough(onLaptop, 'button.button')
    expect(await onLaptop.textContent('#login-error')).toContain('no son correctos')
    expect(await mainText(onLaptop)).toContain('¿Confirmó desde otro dispositivo? Entre con un enlace de acceso')
    // It was confirmed, on the phone: the reminder for this browser must not read as an order to confirm again.
    expect(await onLaptop.textContent('#login-error')).toContain('Si acaba de crear su cuenta en este navegador y aún no la confirmó')
    await state(onLaptop, 'a-5-laptop-password-refused')

    await clickThrough(onLaptop, 'text=¿Confirmó desde otro dispositivo? Entre con un enlace de acceso')
    expect(await onLaptop.textContent('h1')).toBe('Recibir un enlace de acceso')
    expect(await onLaptop.inputValue('#email')).toBe(email) // carried from the sign-in, not retyped
    await state(onLaptop, 'a-6-laptop-access-link')
    const access = await mailAfter(email, 'login-link', () => clickThrough(onLaptop, 'button.button'))
    expect(await onLaptop.textContent('h1')).toBe('Revise su correo')
    expect(await mainText(onLaptop)).toContain('escriba el código de 6 dígitos')
    await state(onLaptop, 'a-7-laptop-code')
    await onLaptop.fill('#code', codeIn(access))
    await clickThrough(onLaptop, 'text=ENTRAR CON EL CÓDIGO')
    await onLaptop.waitForURL(/\/profile/)
    expect(await onLaptop.textContent('h1')).toBe('Perfil del usuario')
    await state(onLaptop, 'a-8-laptop-signed-in')
    await laptop.close()
    await phone.close()
  })

  it('(b) a forgotten password: from /login to the mail, a new password, and back in', async () => {
    const email = uniqueEmail('walk-b')
    const setup = await newVisitor(browser)
    await signUp(await setup.newPage(), { name: 'Lucía Mora', email, password: PASSWORD })
    await setup.close()

    const phone = await newVisitor(browser)
    const page = await phone.newPage()
    await page.goto(`${baseUrl}/login`)
    await page.fill('#email', email)
    await clickThrough(page, 'text=Olvidé mi contraseña')
    expect(await page.textContent('h1')).toBe('Restablecer su contraseña')
    expect(await page.inputValue('#email')).toBe(email)
    await state(page, 'b-1-forgot')
    const reset = await mailAfter(email, 'password-reset', () => clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO'))
    expect(await page.textContent('h1')).toBe('Revise su bandeja de entrada')
    expect(await mainText(page)).toContain('«Instrucciones para restablecer su contraseña»')
    expect(await mainText(page)).toContain('¿No llegó en 2 minutos?')
    await state(page, 'b-2-sent')

    await page.goto(linkIn(reset, '/password/reset/'))
    expect(await page.textContent('h1')).toBe('Elija una nueva contraseña')
    await state(page, 'b-3-new-password')
    await page.fill('#password', NEW_PASSWORD)
    await page.fill('#password_confirmation', NEW_PASSWORD)
    await clickThrough(page, 'text=GUARDAR CONTRASEÑA')
    expect(await mainText(page)).toContain('Su contraseña fue restablecida')
    await state(page, 'b-4-reset-and-signed-in')

    // Signed out, the new password opens the account.
    await page.click('summary')
    await clickThrough(page, 'text=Cerrar sesión')
    expect(await mainText(page)).toContain('Cerró su sesión.')
    await state(page, 'b-5-signed-out')
    await page.fill('#email', email)
    await page.fill('#password', NEW_PASSWORD)
    await clickThrough(page, 'button.button')
    expect(await page.textContent('h1')).toBe('Perfil del usuario')
    await state(page, 'b-6-back-in')
    await phone.close()
  })

  it('(c) on the profile, a wrong current password, then an empty one, then the right one', async () => {
    const email = uniqueEmail('walk-c')
    const phone = await newVisitor(browser)
    const page = await phone.newPage()
    await signUp(page, { name: 'Ana Pérez', email, password: PASSWORD })
    await ageSessionsOf(email)
    await page.goto(`${baseUrl}/profile`)
    expect(await mainText(page)).toContain('Por su seguridad, ingrese su contraseña actual para cambiar su contraseña')
    await state(page, 'c-1-profile-asks-current')

    await page.fill('#password', NEW_PASSWORD)
    await page.fill('#password_confirmation', NEW_PASSWORD)
    await page.fill('#current_password', 'no-es-esta')
    await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
    expect(await page.textContent('#current_password-error')).toContain('La contraseña actual no es correcta.')
    expect(await mainText(page)).toContain('vuelva a escribir la nueva contraseña')
    expect(await mainText(page)).not.toContain('Sus cambios fueron guardados')
    await state(page, 'c-2-wrong-current')

    // It retypes the new password, as asked, and leaves the current one empty.
    await page.fill('#password', NEW_PASSWORD)
    await page.fill('#password_confirmation', NEW_PASSWORD)
    await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
    expect(await page.textContent('#current_password-error')).toContain('Ingrese su contraseña actual.')
    expect(await mainText(page)).not.toContain('La contraseña actual no es correcta.')
    await state(page, 'c-3-empty-current')

    await page.fill('#password', NEW_PASSWORD)
    await page.fill('#password_confirmation', NEW_PASSWORD)
    await page.fill('#current_password', PASSWORD)
    await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
    expect(await page.textContent('.notice')).toContain('Su contraseña fue cambiada.')
    await state(page, 'c-4-password-changed')
    await phone.close()
  })

  it('(d) behind an office IP that its colleagues used up: the reset mail still comes, a second one waits, mobile data brings it', async () => {
    const email = uniqueEmail('walk-d')
    const setup = await newVisitor(browser)
    await signUp(await setup.newPage(), { name: 'Rosa Vera', email, password: PASSWORD })
    await setup.close()

    // The office: colleagues behind the same address (carrier-grade NAT, an office's wifi) ask for ten resets.
    const office = randomIp()
    for (let i = 0; i < 10; i++) {
      const answer = await fetch(`${baseUrl}/password/forgot`, {
        method: 'POST',
        headers: { Origin: baseUrl, 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': office },
        body: new URLSearchParams({ email: uniqueEmail('colega') }),
      })
      expect(answer.status).toBe(200)
    }

    const atWork = await visitorAt(office)
    const page = await atWork.newPage()
    await page.goto(`${baseUrl}/password/forgot`)
    await page.fill('#email', email)
    // Her first reset of the window passes the office's cap: a neighbour cannot silence the owner.
    await mailAfter(email, 'password-reset', () => clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO'))
    expect(await page.textContent('h1')).toBe('Revise su bandeja de entrada')
    await state(page, 'd-1-sent-behind-shared-ip')

    // Not seeing it at once, she asks again from the office: that one is withheld, and the page says what to do.
    await page.goto(`${baseUrl}/password/forgot`)
    await page.fill('#email', email)
    const before = await countMails(email, 'password-reset')
    await clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO')
    const answer = await mainText(page)
    expect(await page.textContent('h1')).toBe('Revise su bandeja de entrada')
    expect(answer).toContain('¿No llegó en 2 minutos?')
    expect(answer).toContain('desde otra red (por ejemplo, con datos móviles en lugar del wifi de la oficina)')
    await state(page, 'd-2-withheld-says-what-to-do')
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(await countMails(email, 'password-reset')).toBe(before) // the mail over the office's cap did not go

    // She does what the page says: from mobile data, another address, the reset comes.
    const onMobileData = await visitorAt(randomIp())
    const mobile = await onMobileData.newPage()
    await mobile.goto(`${baseUrl}/password/forgot`)
    await mobile.fill('#email', email)
    const reset = await mailAfter(email, 'password-reset', () => clickThrough(mobile, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO'))
    // Asked later, sent later: by now the withheld one would have come too, had it gone.
    expect(await countMails(email, 'password-reset')).toBe(before + 1)
    await mobile.goto(linkIn(reset, '/password/reset/'))
    expect(await mobile.textContent('h1')).toBe('Elija una nueva contraseña')
    await state(mobile, 'd-3-mobile-data-reset-link')
    await atWork.close()
    await onMobileData.close()
  })

  it('(e) adds a passkey, removes it after confirming, and the page says it is gone', async () => {
    const phone = await newVisitor(browser)
    const page = await phone.newPage()
    // The login page's autofill request is not part of this walk.
    await page.addInitScript(() => {
      if (window.PublicKeyCredential) Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false })
    })
    const cdp = await phone.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })
    const email = uniqueEmail('walk-e')
    await signUp(page, { name: 'Marta Quiroga', email, password: PASSWORD })
    expect(await page.textContent('#llaves')).toContain('Agregar una llave de acceso')
    await state(page, 'e-1-profile-no-passkey')

    await mailAfter(email, 'passkey-added', async () => {
      await page.click('text=Agregar una llave de acceso')
      await page.waitForURL(/aviso=llave-agregada/)
    })
    expect(await page.textContent('.notice')).toContain('Agregamos la llave de acceso. Ya puede usarla para iniciar sesión.')
    await state(page, 'e-2-passkey-added')

    await page.click('summary:has-text("Cambiar nombre o eliminar")')
    await page.click('summary:has-text("Eliminar esta llave")')
    expect(await page.textContent('#llaves')).toMatch(/¿Eliminar la llave de acceso «.+»\? Ya no podrá entrar con ella\./)
    expect(await page.locator('[data-credential-id]').count()).toBe(1) // asking deleted nothing
    await state(page, 'e-3-remove-asks-first')

    await mailAfter(email, 'passkey-removed', async () => {
      await page.getByRole('button', { name: /^Sí, eliminar la llave/ }).click()
      await page.waitForURL(/aviso=llave-eliminada/)
    })
    expect(await page.textContent('.notice')).toContain('Eliminamos la llave de acceso. Ya no sirve para entrar; su contraseña y los enlaces de acceso siguen funcionando.')
    expect(await page.locator('[data-credential-id]').count()).toBe(0)
    await state(page, 'e-4-passkey-removed')
    await phone.close()
  })
})
