import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, codeIn, countMails, launchChromium, linkIn, mailAfter, newVisitor, signUp, uniqueEmail, type Browser } from './support'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'with JavaScript' : 'without JavaScript'

  describe(`flows ${mode}`, () => {
    it('sign-up → confirm by mail → profile', async () => {
      const visitor = await newVisitor(browser, { javaScript })
      const page = await visitor.newPage()
      const email = uniqueEmail('alta')
      await signUp(page, { name: 'Lucía Andrade', email, password: 'faro-del-sur-12' })
      expect(await page.textContent('h1')).toBe('Perfil del usuario')
      expect(await page.textContent('.notice')).toContain('Su correo electrónico fue confirmado')
      expect(await page.textContent('summary')).toBe('LA: Menú del usuario') // initials, then the hidden name
      await visitor.close()
    })

    it('forgot password → mail → reset, the confirmation checked before submitting → signed in', async () => {
      const setup = await newVisitor(browser)
      const email = uniqueEmail('olvido')
      await signUp(await setup.newPage(), { name: 'Pedro Salas', email, password: 'faro-del-sur-12' })
      await setup.close()

      const visitor = await newVisitor(browser, { javaScript })
      const page = await visitor.newPage()
      await page.goto(`${baseUrl}/login`)
      await clickThrough(page, 'text=Olvidé mi contraseña')
      await page.fill('#email', email)
      const resetMail = await mailAfter(email, 'password-reset', () => clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO'))
      expect(await page.textContent('h1')).toBe('Revise su bandeja de entrada')
      await page.goto(linkIn(resetMail, '/password/reset/'))
      expect(new URL(page.url()).pathname).toBe('/password/reset') // the token left the address bar

      await page.locator('#password').pressSequentially('nueva-ruta-34', { delay: 15 })
      await page.locator('#password_confirmation').pressSequentially('nueva-ruta-35', { delay: 15 })
      if (javaScript) {
        // htmx: once the confirmation is as long as the password, the mismatch shows under it, before any submit, and clears when fixed.
        await expect.poll(() => page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas no coinciden.')
        expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBe('true')
        expect(new URL(page.url()).pathname).toBe('/password/reset')
        await page.locator('#password_confirmation').press('Backspace')
        await page.locator('#password_confirmation').pressSequentially('4', { delay: 15 })
        await expect.poll(() => page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas coinciden.')
        await expect.poll(() => page.locator('#password_confirmation-feedback .error').count()).toBe(0)
        expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBeNull()
      } else {
        // Without JavaScript the server says the same on submit, under the same field.
        await clickThrough(page, 'button.button')
        expect(await page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas no coinciden.')
        await page.fill('#password', 'nueva-ruta-34')
        await page.fill('#password_confirmation', 'nueva-ruta-34')
      }
      await mailAfter(email, 'password-changed', async () => {
        await page.click('button.button')
        await page.waitForURL(/aviso=contrasena-restablecida/)
      })
      expect(await page.textContent('.notice')).toContain('Su contraseña fue restablecida')
      expect(await countMails(email, 'password-changed')).toBe(1) // one notice, not one per step
      await visitor.close()
    })

    it('profile: change the password with inline validation, then sign in with it', async () => {
      const visitor = await newVisitor(browser, { javaScript })
      const page = await visitor.newPage()
      const email = uniqueEmail('perfil')
      await signUp(page, { name: 'Inés Cuesta', email, password: 'faro-del-sur-12' })
      await page.locator('#password').pressSequentially('otra-bahia-56', { delay: 15 })
      await page.locator('#password_confirmation').pressSequentially('otra-bahia-5', { delay: 15 })
      if (javaScript) {
        // Still shorter than the password: quiet while typing, said once the person leaves the field.
        await page.waitForTimeout(500)
        expect(await page.textContent('#password_confirmation-feedback')).toBe('')
        await page.locator('#password_confirmation').blur()
        await expect.poll(() => page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas no coinciden.')
        await page.locator('#password_confirmation').press('End') // back in the field, after what was typed
        await page.locator('#password_confirmation').pressSequentially('6', { delay: 15 })
        await expect.poll(() => page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas coinciden.')
      } else {
        await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
        expect(await page.textContent('#password_confirmation-feedback')).toContain('Las contraseñas no coinciden.')
        await page.fill('#password', 'otra-bahia-56')
        await page.fill('#password_confirmation', 'otra-bahia-56')
      }
      await page.click('button:has-text("GUARDAR PERFIL")')
      await page.waitForURL(/aviso=contrasena-cambiada/)
      // Sign out from the avatar menu, and back in with the new password.
      await page.click('summary')
      await clickThrough(page, 'text=Cerrar sesión')
      await page.fill('#email', email)
      await page.fill('#password', 'otra-bahia-56')
      await page.click('button.button')
      await page.waitForURL(/\/profile$/)
      await visitor.close()
    })

    it('passwordless: the link opened on another device, and the code typed on this one', async () => {
      const setup = await newVisitor(browser)
      const email = uniqueEmail('sinclave')
      await signUp(await setup.newPage(), { name: 'Rafael Mena', email, password: 'faro-del-sur-12' })
      await setup.close()

      // The link, read on a phone.
      const laptop = await newVisitor(browser, { javaScript })
      const asking = await laptop.newPage()
      await asking.goto(`${baseUrl}/login`)
      await clickThrough(asking, 'text=Recibir un enlace de acceso')
      await asking.fill('#email', email)
      const linkMail = await mailAfter(email, 'login-link', () => clickThrough(asking, 'button.button'))
      expect(await asking.textContent('h1')).toBe('Revise su correo')
      const phone = await newVisitor(browser, { javaScript })
      const phonePage = await phone.newPage()
      await phonePage.goto(linkIn(linkMail, '/login/email/'))
      expect(await phonePage.textContent('main')).toMatch(/Cuenta: s•••.@example\.com/)
      await phonePage.click('button.button')
      await phonePage.waitForURL(/\/profile$/)
      await phone.close()

      // The code, typed where it was asked for: one wrong first.
      await asking.goto(`${baseUrl}/login/email`)
      await asking.fill('#email', email)
      // A new request: its own mail, not the one whose link the phone just spent.
      const code = codeIn(await mailAfter(email, 'login-link', () => clickThrough(asking, 'button.button')))
      await asking.fill('#code', String((Number(code) + 1) % 1_000_000).padStart(6, '0'))
      // With htmx a wrong code swaps only the feedback in place; without JavaScript the form posts.
      if (javaScript) await asking.click('button.button')
      else await clickThrough(asking, 'button.button')
      await expect.poll(() => asking.textContent('#code-feedback')).toContain('Le quedan 4 intentos.')
      await asking.fill('#code', code)
      await asking.click('button.button')
      await asking.waitForURL(/\/profile$/)
      expect(await asking.textContent('h1')).toBe('Perfil del usuario')
      await laptop.close()
    })
  })
}
