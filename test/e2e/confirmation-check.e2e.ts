import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, newVisitor, seriousViolations, type Browser, type Page, PHONES } from './support'

// Issue 19, point 15: the inline check of the confirmed password, on a
// 390 px and a 320 px phone. A confirmation that can no longer match —
// `clave-m` under `clave-b…` — is flagged as soon as it is typed; one that
// is still the start of the password is left alone; any difference is judged
// when the person leaves the field. Without JavaScript the same words come
// back on submit.

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const PASSWORD = 'clave-bonita-9'
const MISMATCH = 'Las contraseñas no coinciden.'

const underConfirmation = (page: Page) => page.textContent('#password_confirmation-feedback')

/**
 * Types into the confirmation and waits for the inline check's answer, then
 * until the words under the field are `said` (the swap follows the
 * response: on a loaded machine a fixed wait after it was sometimes too
 * short). A page that never says them fails at the poll's timeout.
 */
async function confirmAs(page: Page, text: string, said: string) {
  const answered = page.waitForResponse((response) => response.url().endsWith('/validate/password'))
  await page.fill('#password_confirmation', text)
  await (await answered).finished()
  await expect.poll(() => underConfirmation(page)).toBe(said)
}

/** A phone's browser on the sign-up form, name, address and password typed, the confirmation still empty. */
async function signUpFormWithPassword(viewport: (typeof PHONES)[number], options: { javaScript: boolean }) {
  const visitor = await newVisitor(browser, { ...options, viewport })
  const page = await visitor.newPage()
  await page.goto(`${baseUrl}/signup`)
  await page.fill('#name', 'Ana Torres')
  await page.fill('#email', 'ana@example.com')
  await page.fill('#password', PASSWORD)
  return { visitor, page }
}

for (const viewport of PHONES) {
  describe(`${viewport.width} px`, () => {
    it('JavaScript on: quiet while the confirmation is the start of the password, "no coinciden" as soon as it is not, and on leaving the field', async () => {
      const { visitor, page } = await signUpFormWithPassword(viewport, { javaScript: true })

      await confirmAs(page, 'clave-b', '')
      expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBeNull()

      await confirmAs(page, 'clave-m', MISMATCH) // shorter than the password, but it can no longer match
      expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBe('true')
      expect(await seriousViolations(page)).toEqual([])

      await confirmAs(page, 'clave-bon', '') // back on track: quiet again
      expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBeNull()

      const answered = page.waitForResponse((response) => response.url().endsWith('/validate/password'))
      await page.locator('#password_confirmation').blur() // left while still short: judged now
      await answered
      await expect.poll(() => underConfirmation(page)).toBe(MISMATCH)

      await confirmAs(page, PASSWORD, 'Las contraseñas coinciden.')
      expect(await seriousViolations(page)).toEqual([])
      await visitor.close()
    })

    it('the answer under the confirmation does not move the button below it: a tap just as it arrives still lands on the button', async () => {
      const { visitor, page } = await signUpFormWithPassword(viewport, { javaScript: true })
      const button = async () => (await page.locator('button.button').boundingBox())!.y
      const before = await button()
      await confirmAs(page, PASSWORD, 'Las contraseñas coinciden.')
      expect(await button()).toBe(before)
      await confirmAs(page, 'clave-m', MISMATCH)
      expect(await button()).toBe(before)
      await visitor.close()
    })

    it('JavaScript off: the same words under the confirmation after submit', async () => {
      const { visitor, page } = await signUpFormWithPassword(viewport, { javaScript: false })
      await page.fill('#password_confirmation', 'clave-m')
      await clickThrough(page, 'button.button')
      expect(await underConfirmation(page)).toBe(MISMATCH)
      expect(await page.getAttribute('#password_confirmation', 'aria-invalid')).toBe('true')
      expect(await seriousViolations(page, { javaScript: false })).toEqual([])
      await visitor.close()
    })
  })
}
