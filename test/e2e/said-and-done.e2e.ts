import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, newVisitor, PHONE, seriousViolations, uniqueEmail, type Browser } from './support'

// Issue 19, point 10: the address typed on /login goes along to "Olvidé mi
// contraseña" and "Recibir un enlace de acceso" with JavaScript on, not
// only after a failed submit; with it off the links still lead to the plain
// forms. Axe stays clean on every page either way, at 390 and 320 px.

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
