import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, codeIn, launchChromium, linkIn, mailAfter, newVisitor, PHONE, seriousViolations, signUp, uniqueEmail, type Browser, type Page } from './support'

// Issue 12: a person locked out, on a 390 px phone, with JavaScript on and
// off. Each situation ends with the person knowing what happened and one
// obvious next step; axe runs on every new state.

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const PASSWORD = 'faro-del-sur-12'

/** axe on every new state, with JavaScript off too: what such a browser gets is its own markup (no htmx swaps, passkey controls left hidden). */
async function noViolations(page: Page, javaScript = true) {
  expect(await seriousViolations(page, { javaScript })).toEqual([])
}

for (const javaScript of [true, false]) {
  describe(`on a phone, JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    // (Ten minutes later the profile asks for the current password with "¿No la recuerda?" next to it:
    // the server's clock cannot be moved here, so test/profile.test.ts walks that part.)
    it('forgot → the sign-in link on this phone → the profile asks for a new password, and it is saved', async () => {
      const email = uniqueEmail('olvido')
      const setup = await newVisitor(browser)
      await signUp(await setup.newPage(), { name: 'Lucía Mora', email, password: PASSWORD })
      await setup.close()

      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await page.goto(`${baseUrl}/password/forgot`)
      await page.fill('#email', email)
      await clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO')
      await clickThrough(page, 'text=Recibir un enlace de acceso')
      expect(await page.inputValue('#email')).toBe(email) // carried, not retyped
      const mail = await mailAfter(email, 'login-link', () => clickThrough(page, 'button.button'))
      await noViolations(page, javaScript)
      await page.fill('#code', codeIn(mail))
      await page.click('text=ENTRAR CON EL CÓDIGO')
      await page.waitForURL(/\/profile\?aviso=elija-contrasena$/)
      expect(await page.textContent('.notice')).toContain('elija una nueva aquí abajo')
      expect(await page.locator('#current_password').count()).toBe(0)
      await page.fill('#password', 'nueva-ruta-34')
      await page.fill('#password_confirmation', 'nueva-ruta-34')
      await page.click('button:has-text("GUARDAR PERFIL")')
      await page.waitForURL(/aviso=contrasena-cambiada/)
      await visitor.close()
    })

    it('the answer after "ENVIAR INSTRUCCIONES" names the mail, its lifetime, spam and the newest; a mistyped address comes back prefilled', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      const typo = uniqueEmail('tipeo').replace('@example.com', '@exmaple.com')
      await page.goto(`${baseUrl}/password/forgot`)
      await page.fill('#email', typo)
      await clickThrough(page, 'button.button')
      const text = await page.textContent('main')
      expect(text).toContain('«Instrucciones para restablecer su contraseña»')
      expect(text).toContain('vence en 1 hora')
      expect(text).toContain('spam')
      expect(text).toContain('use el más reciente')
      expect(await page.locator('main a.button').count()).toBe(0) // nothing competes with the mailbox
      await noViolations(page, javaScript)
      await clickThrough(page, 'text=¿Escribió mal su correo?')
      expect(await page.inputValue('#email')).toBe(typo)
      expect(page.url()).not.toContain('exmaple') // never in a URL
      await visitor.close()
    })

    it('sign-in errors sit under their fields: an empty password, a malformed address (focused and marked)', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await page.goto(`${baseUrl}/login`)
      await page.fill('#email', 'ana-sin-arroba')
      await page.fill('#password', 'algo')
      await clickThrough(page, 'button.button')
      expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true')
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('email')
      expect(await page.textContent('#email-error')).toContain('Ingrese un correo electrónico válido')
      await page.fill('#email', uniqueEmail('ana'))
      await clickThrough(page, 'button.button')
      expect(await page.textContent('#password-error')).toBe('Ingrese su contraseña.')
      await noViolations(page, javaScript)
      await visitor.close()
    })

    it('a wrong code says "incorrecto, venció o ya se usó" next to "Pedir un código nuevo"', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await page.goto(`${baseUrl}/login/email`)
      await page.fill('#email', uniqueEmail('codigo'))
      await clickThrough(page, 'button.button')
      const text = await page.textContent('main')
      expect(text).toContain('En este dispositivo, escriba el código')
      await page.fill('#code', '000000')
      // With htmx a wrong code swaps only the feedback in place; without JavaScript the form posts.
      if (javaScript) await page.click('text=ENTRAR CON EL CÓDIGO')
      else await clickThrough(page, 'text=ENTRAR CON EL CÓDIGO')
      await expect.poll(() => page.textContent('#code-feedback')).toContain('El código es incorrecto, venció o ya se usó.')
      expect(await page.getAttribute('#code-feedback a', 'href')).toBe('/login/email')
      await noViolations(page, javaScript)
      await visitor.close()
    })

    it('an expired reset link offers a new one and "¿Ya la cambió? Inicie sesión"; the typed address travels from sign-in to "Olvidé mi contraseña"', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await page.goto(`${baseUrl}/password/reset/${'x'.repeat(43)}`)
      expect(await page.textContent('h1')).toBe('Este enlace ya no es válido')
      expect(await page.textContent('a.button')).toBe('Pedir un enlace nuevo')
      expect(await page.locator('text=¿Ya la cambió? Inicie sesión').count()).toBe(1)
      await noViolations(page, javaScript)
      const email = uniqueEmail('viaje')
      await page.goto(`${baseUrl}/login`)
      await page.fill('#email', email)
      await page.fill('#password', 'no-la-recuerdo')
      await clickThrough(page, 'button.button')
      await clickThrough(page, 'text=Olvidé mi contraseña')
      expect(await page.inputValue('#email')).toBe(email)
      await visitor.close()
    })

    it('"Seguridad": this device first and labelled; "Cerrar sesión aquí" asks before signing out', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await signUp(page, { name: 'Marco Díaz', email: uniqueEmail('seguridad'), password: PASSWORD })
      await page.goto(`${baseUrl}/security`)
      const first = page.locator('.sessions li').first()
      expect(await first.textContent()).toContain('Este dispositivo')
      await noViolations(page, javaScript)
      await page.click('text=Cerrar sesión aquí')
      expect(await page.textContent('.confirm')).toContain('tendrá que volver a iniciarla')
      await page.click('text=SÍ, CERRAR SESIÓN AQUÍ')
      await page.waitForURL(/\/login/)
      await visitor.close()
    })

    it('the profile is short: "GUARDAR PERFIL" on the first screen of a phone', async () => {
      const visitor = await newVisitor(browser, { javaScript, viewport: PHONE })
      const page = await visitor.newPage()
      await signUp(page, { name: 'Irene Paz', email: uniqueEmail('corto'), password: PASSWORD })
      const box = await page.locator('button:has-text("GUARDAR PERFIL")').boundingBox()
      expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height)
      await visitor.close()
    })
  })
}

describe('the menu, on a phone', () => {
  it('says who is signed in, marks the current page, never covers the title, and closes on Escape and a tap outside', async () => {
    const visitor = await newVisitor(browser, { viewport: PHONE })
    const page = await visitor.newPage()
    const email = uniqueEmail('menu')
    await signUp(page, { name: 'Nora Vera', email, password: PASSWORD })
    await page.click('details.menu summary')
    expect(await page.textContent('.menu .who')).toContain(email)
    expect(await page.getAttribute('.menu a[href="/profile"]', 'aria-current')).toBe('page')
    const panel = (await page.locator('.menu-panel').boundingBox())!
    const title = (await page.locator('h1').boundingBox())!
    expect(title.y).toBeGreaterThanOrEqual(panel.y + panel.height)
    await noViolations(page)
    await page.keyboard.press('Escape')
    expect(await page.getAttribute('details.menu', 'open')).toBeNull()
    await page.click('details.menu summary')
    await page.click('h1')
    expect(await page.getAttribute('details.menu', 'open')).toBeNull()
    await visitor.close()
  })
})

describe('what a screen reader hears', () => {
  it('the confirmation\'s live region stays in place and its new content is in the accessibility tree, tied to its own field', async () => {
    const visitor = await newVisitor(browser, { viewport: PHONE })
    const page = await visitor.newPage()
    await page.goto(`${baseUrl}/signup`)
    await page.evaluate(() => {
      ;(document.getElementById('password_confirmation-feedback') as HTMLElement & { marked?: boolean }).marked = true
    })
    await page.fill('#password', 'clave-segura-9')
    await page.locator('#password_confirmation').pressSequentially('clave-segura-8', { delay: 10 })
    await expect.poll(() => page.locator('#password_confirmation-feedback').ariaSnapshot()).toContain('Las contraseñas no coinciden.')
    // The same element, not a replacement: a region that arrives already filled is often not announced.
    expect(await page.evaluate(() => (document.getElementById('password_confirmation-feedback') as HTMLElement & { marked?: boolean }).marked)).toBe(true)
    expect(await page.getAttribute('#password_confirmation-feedback', 'aria-live')).toBe('polite')
    const description = await page.locator('#password_confirmation').evaluate((input) => input.getAttribute('aria-describedby'))
    expect(description).toBe('password_confirmation-feedback')
    // Chromium's own accessibility tree: the input's description is the message.
    const cdp = await visitor.newCDPSession(page)
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { name?: { value: string }; description?: { value: string }; properties?: { name: string; value: { value: unknown } }[] }[] }
    const input = nodes.find((node) => node.name?.value === 'Confirme su contraseña' && node.description)
    expect(input?.description?.value).toBe('Las contraseñas no coinciden.')
    expect(input?.properties?.find((property) => property.name === 'invalid')?.value.value).toBe('true')
    await visitor.close()
  })
})
