import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, mailAfter, newVisitor, PHONE, seriousViolations, signUp, uniqueEmail, type Browser } from './support'

// Issue 19, point 10: the address typed on /login goes along to "Olvidé mi
// contraseña" and "Recibir un enlace de acceso" with JavaScript on, not
// only after a failed submit; with it off the links still lead to the plain
// forms. Axe stays clean on every page either way, at 390 and 320 px.
// Point 11: a passkey's "Eliminar" asks first, with JavaScript off too.

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const NARROW = { width: 320, height: 640 }

for (const viewport of [PHONE, NARROW]) {
  for (const javaScript of [true, false]) {
    describe(`${viewport.width} px, JavaScript ${javaScript ? 'on' : 'off'}`, () => {
      for (const [link, path] of [
        ['Olvidé mi contraseña', '/password/forgot'],
        ['Recibir un enlace de acceso', '/login/email'],
      ] as const) {
        it(`"${link}" after typing the address on /login ${javaScript ? 'finds it already typed' : 'opens the plain form'}`, async () => {
          const visitor = await newVisitor(browser, { javaScript, viewport })
          const page = await visitor.newPage()
          await page.goto(`${baseUrl}/login`)
          expect(await seriousViolations(page, { javaScript })).toEqual([])
          const email = uniqueEmail('llevado')
          await page.fill('#email', email)
          await clickThrough(page, `a:has-text("${link}")`)
          // The address never stays in the URL: the server moved it into its own cookie.
          expect(new URL(page.url()).pathname).toBe(path)
          expect(page.url()).not.toContain('email=')
          expect(await page.inputValue('#email')).toBe(javaScript ? email : '')
          expect(await seriousViolations(page, { javaScript })).toEqual([])
          await visitor.close()
        })
      }
    })
  }
}

describe('removing a passkey asks first (point 11)', () => {
  it('with JavaScript off, "Eliminar esta llave…" opens a question and only "Sí, eliminar la llave" removes it; axe clean at each step', async () => {
    // Adding a passkey needs JavaScript and a (virtual) authenticator; the removal is then walked without JavaScript.
    const setup = await newVisitor(browser, { viewport: NARROW })
    const page = await setup.newPage()
    const cdp = await setup.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })
    const email = uniqueEmail('quitar')
    await signUp(page, { name: 'Marta Quiroga', email, password: 'faro-del-sur-12' })
    await page.click('text=Agregar una llave de acceso')
    await page.waitForURL(/aviso=llave-agregada/)
    const noScript = await browser.newContext({ javaScriptEnabled: false, viewport: NARROW, storageState: await setup.storageState() })
    const profile = await noScript.newPage()
    await profile.goto(`${baseUrl}/profile`)
    await profile.click('summary:has-text("Cambiar nombre o eliminar")')
    await profile.click('summary:has-text("Eliminar esta llave")')
    expect(await profile.textContent('#llaves')).toMatch(/¿Eliminar la llave de acceso «.+ · agregada el \d+ \S+»\? Ya no podrá entrar con ella\./)
    expect(await seriousViolations(profile, { javaScript: false })).toEqual([])
    expect(await profile.locator('[data-credential-id]').count()).toBe(1) // opening the question deleted nothing
    await mailAfter(email, 'passkey-removed', () => clickThrough(profile, 'button:has-text("Sí, eliminar la llave")'))
    expect(profile.url()).toContain('aviso=llave-eliminada')
    expect(await profile.textContent('main')).toContain('Eliminamos la llave de acceso.')
    // The page as it came back, notice included: the notice is said once, so a second visit would not show it.
    expect(await seriousViolations(profile, { javaScript: false })).toEqual([])
    await profile.goto(`${baseUrl}/profile?aviso=llave-eliminada`)
    expect(await profile.textContent('main')).not.toContain('Eliminamos la llave de acceso.')
    await noScript.close()
    await setup.close()
  })
})
