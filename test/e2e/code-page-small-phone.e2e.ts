import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, codeIn, launchChromium, mailAfter, newVisitor, seriousViolations, signUp, uniqueEmail, type Browser, PHONE, SMALL_PHONE } from './support'

// Issue 19, point 13: the page that asks for the mailed code, on a 320 px
// phone (and 390 px), JavaScript on and off. The code is what the page is
// for: its field is focused and in view, its button visible without
// scrolling, and "123 456" — as a mail app may show it — fits and works.

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const PHONES = [SMALL_PHONE, PHONE]

for (const viewport of PHONES) {
  for (const javaScript of [true, false]) {
    describe(`${viewport.width} × ${viewport.height}, JavaScript ${javaScript ? 'on' : 'off'}`, () => {
      it('"Revise su correo": the code field is focused and in view, ENTRAR CON EL CÓDIGO visible without scrolling; "123 456" signs in', async () => {
        const email = uniqueEmail('codigo-320')
        const setup = await newVisitor(browser)
        await signUp(await setup.newPage(), { name: 'Inés Paz', email, password: 'faro-del-sur-12' })
        await setup.close()

        const visitor = await newVisitor(browser, { javaScript, viewport })
        const page = await visitor.newPage()
        await page.goto(`${baseUrl}/login/email`)
        await page.fill('#email', email)
        const mail = await mailAfter(email, 'login-link', () => clickThrough(page, 'button.button'))
        expect(await page.textContent('h1')).toBe('Revise su correo')
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('code')
        const scrolled = await page.evaluate(() => window.scrollY)
        expect(scrolled).toBe(0) // nothing had to move: what follows is judged as the page first shows
        for (const selector of ['#code', 'button:has-text("ENTRAR CON EL CÓDIGO")']) {
          const box = (await page.locator(selector).boundingBox())!
          expect(box.y).toBeGreaterThanOrEqual(0)
          expect(box.y + box.height).toBeLessThanOrEqual(viewport.height)
        }
        expect(await seriousViolations(page, { javaScript })).toEqual([])

        const code = codeIn(mail)
        const spaced = `${code.slice(0, 3)} ${code.slice(3)}`
        await page.keyboard.type(spaced) // into the focused field, as a person would
        expect(await page.inputValue('#code')).toBe(spaced) // nothing cut off
        if (javaScript) await page.click('text=ENTRAR CON EL CÓDIGO')
        else await clickThrough(page, 'text=ENTRAR CON EL CÓDIGO')
        await page.waitForURL(/\/profile/)
        await visitor.close()
      })
    })
  }
}
