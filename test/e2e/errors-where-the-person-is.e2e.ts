import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, linkIn, mailAfter, newVisitor, seriousViolations, signUp, uniqueEmail, type Browser, type BrowserContext, type Page, PHONES } from './support'

// Issue 19, points 5 and 6, on a 390 px and a 320 px phone, JavaScript on
// and off. A form that comes back wrong says so where the person is: no
// role=alert waiting in the page (one present at load is not reliably
// announced); the first marked field has the focus, aria-invalid="true" and
// aria-describedby naming its message, so a screen reader reads the message
// with the field. Each message is said once, and with JavaScript it goes as
// soon as the field changes.

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

const PASSWORD = 'faro-del-sur-12'

/** What a screen reader hears with the focused field: its id, whether it is marked, and the text of what describes it. */
async function focusedField(page: Page) {
  // The browser applies autofocus when it renders the page, and Playwright polls on animation frames by
  // default: one CI run in three at load 20 waited the whole 30 s here. The page is brought to the front
  // (a page in the background may get no frame) and polled on a timer.
  await page.bringToFront()
  try {
    await page.waitForFunction(() => document.activeElement instanceof HTMLInputElement, undefined, { polling: 100 })
  } catch (error) {
    throw new Error(`no field took the focus: ${JSON.stringify(await focusState(page))}`, { cause: error })
  }
  return fieldState(page, await page.evaluate(() => document.activeElement!.id))
}

/** What Chromium itself said to each page's console (such as "Autofocus processing was blocked because…"), kept for focusState. */
const browserMessages = new WeakMap<Page, string[]>()

async function openPage(visitor: BrowserContext) {
  const page = await visitor.newPage()
  const messages: string[] = []
  browserMessages.set(page, messages)
  const session = await visitor.newCDPSession(page)
  session.on('Log.entryAdded', ({ entry }) => messages.push(`${entry.level} ${entry.source}: ${entry.text}`))
  await session.send('Log.enable')
  return page
}

/**
 * When no field took the focus, what the page was doing: enough to tell a skipped autofocus from a page
 * that never rendered (no paint entries). Synchronous: with JavaScript off no callback of ours would run.
 */
async function focusState(page: Page) {
  const state = await page.evaluate(() => ({
    url: location.href,
    readyState: document.readyState,
    visibility: document.visibilityState,
    hasFocus: document.hasFocus(),
    active: document.activeElement?.tagName,
    autofocus: [...document.querySelectorAll('[autofocus]')].map((element) => element.id),
    paints: performance.getEntriesByType('paint').map((entry) => `${entry.name} ${Math.round(entry.startTime)} ms`),
  }))
  return { ...state, browserSaid: browserMessages.get(page) ?? [] }
}

/** A field's marks and what it is read with, focused or not. */
async function fieldState(page: Page, id: string) {
  return page.evaluate((id) => {
    const field = document.getElementById(id) as HTMLInputElement
    const ids = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
    const description = ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ').trim()
    return { id: field.id, invalid: field.getAttribute('aria-invalid'), description }
  }, id)
}

async function alertsInPage(page: Page) {
  return page.locator('[role="alert"]:not([hidden])').count()
}

async function noViolations(page: Page, javaScript: boolean) {
  expect(await seriousViolations(page, { javaScript })).toEqual([])
}

for (const viewport of PHONES) {
  for (const javaScript of [true, false]) {
    // One retry, and only here: in 2 of the last 10 CI runs under load, a page loaded with JavaScript off
    // never took its autofocus (the focused element stayed the body for 30 s); a rerun took it. Not
    // understood yet (issue 17 stays open for it); a second failure in a row still fails the run.
    describe(`${viewport.width} px, JavaScript ${javaScript ? 'on' : 'off'}`, { retry: javaScript ? 0 : 1 }, () => {
      it('a wrong password: no alert waiting at load; the password field is focused, marked and read with "no son correctos"', async () => {
        const visitor = await newVisitor(browser, { javaScript, viewport })
        const page = await openPage(visitor)
        await page.goto(`${baseUrl}/login`)
        expect(await alertsInPage(page)).toBe(0)
        await page.fill('#email', uniqueEmail('clave-mala'))
        await page.fill('#password', 'no-es-esta-9')
        await clickThrough(page, 'button.button')
        expect(await alertsInPage(page)).toBe(0)
        const field = await focusedField(page)
        expect(field).toMatchObject({ id: 'password', invalid: 'true' })
        expect(field.description).toContain('El correo electrónico o la contraseña no son correctos.')
        await noViolations(page, javaScript)
        await visitor.close()
      })

      it('sign-up: the first marked field is focused and read with its message; "al menos 6 caracteres" is said once', async () => {
        const visitor = await newVisitor(browser, { javaScript, viewport })
        const page = await openPage(visitor)
        await page.goto(`${baseUrl}/signup`)
        expect(await alertsInPage(page)).toBe(0)
        await page.fill('#name', 'Ana Torres')
        await page.fill('#email', 'ana-sin-arroba')
        await page.fill('#password', 'corta')
        await page.fill('#password_confirmation', 'corta')
        await clickThrough(page, 'button.button')
        expect(await alertsInPage(page)).toBe(0)
        expect(await focusedField(page)).toEqual({
          id: 'email',
          invalid: 'true',
          description: 'Ingrese un correo electrónico válido, por ejemplo nombre@empresa.com.',
        })
        expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true')
        expect(await page.textContent('#password-feedback')).toBe('La contraseña debe tener al menos 6 caracteres.')
        // The hint "Al menos 6 caracteres." gives way to the message that says the same.
        expect((await page.innerText('main')).match(/al menos 6 caracteres/gi)).toHaveLength(1)
        await noViolations(page, javaScript)
        await visitor.close()
      })

      it('forgot and "enlace de acceso": an empty address is focused, marked and read with "Ingrese su correo electrónico."', async () => {
        const visitor = await newVisitor(browser, { javaScript, viewport })
        const page = await openPage(visitor)
        for (const path of ['/password/forgot', '/login/email']) {
          await page.goto(`${baseUrl}${path}`)
          await clickThrough(page, 'button.button')
          expect(await alertsInPage(page)).toBe(0)
          expect(await focusedField(page)).toEqual({ id: 'email', invalid: 'true', description: 'Ingrese su correo electrónico.' })
          await noViolations(page, javaScript)
        }
        await visitor.close()
      })

      it('a wrong code: the code field is focused, marked and read with "El código es incorrecto"', async () => {
        const visitor = await newVisitor(browser, { javaScript, viewport })
        const page = await openPage(visitor)
        await page.goto(`${baseUrl}/login/email`)
        await page.fill('#email', uniqueEmail('codigo-malo'))
        await clickThrough(page, 'button.button')
        await page.fill('#code', '000000')
        // With htmx the answer is swapped in place; without JavaScript the page comes back.
        if (javaScript) await page.click('button.button')
        else await clickThrough(page, 'button.button')
        await expect.poll(() => page.textContent('#code-feedback')).toContain('El código es incorrecto')
        expect(await alertsInPage(page)).toBe(0)
        const field = await focusedField(page)
        expect(field).toMatchObject({ id: 'code', invalid: 'true' })
        expect(field.description).toContain('El código es incorrecto, venció o ya se usó.')
        await noViolations(page, javaScript)
        await visitor.close()
      })

      it('profile and reset: a confirmation that does not match is marked and read with "Las contraseñas no coinciden."; the field to type first is focused', async () => {
        const email = uniqueEmail('perfil-errores')
        const owner = await newVisitor(browser, { javaScript, viewport })
        const page = await openPage(owner)
        await signUp(page, { name: 'Rosa Vera', email, password: PASSWORD })
        await page.fill('#password', 'nueva-ruta-34')
        await page.fill('#password_confirmation', 'nueva-ruta-43')
        await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
        expect(await alertsInPage(page)).toBe(0)
        // Passwords are never written back: the first field to type again is focused and says so; the confirmation says why.
        expect(await focusedField(page)).toEqual({ id: 'password', invalid: 'true', description: 'Por su seguridad no conservamos lo que escribió aquí: vuelva a escribir la nueva contraseña.' })
        expect(await fieldState(page, 'password_confirmation')).toEqual({ id: 'password_confirmation', invalid: 'true', description: 'Las contraseñas no coinciden.' })
        await noViolations(page, javaScript)

        const other = await newVisitor(browser, { javaScript, viewport })
        const phone = await openPage(other)
        await phone.goto(`${baseUrl}/password/forgot`)
        await phone.fill('#email', email)
        const mail = await mailAfter(email, 'password-reset', () => clickThrough(phone, 'button.button'))
        await phone.goto(linkIn(mail, '/password/reset/'))
        await phone.fill('#password', 'otra-ruta-56')
        await phone.fill('#password_confirmation', 'otra-ruta-65')
        await clickThrough(phone, 'button.button')
        expect(await alertsInPage(phone)).toBe(0)
        expect(await focusedField(phone)).toEqual({ id: 'password_confirmation', invalid: 'true', description: 'Las contraseñas no coinciden.' })
        await noViolations(phone, javaScript)
        await owner.close()
        await other.close()
      })
    })
  }

  describe(`${viewport.width} px: sign-up messages go as soon as their field changes`, () => {
    it('with JavaScript: typing in a marked field removes its message and its mark at once; the others stay', async () => {
      const visitor = await newVisitor(browser, { javaScript: true, viewport })
      const page = await openPage(visitor)
      await page.goto(`${baseUrl}/signup`)
      await page.fill('#email', 'ana-sin-arroba')
      await page.fill('#password', 'corta')
      await clickThrough(page, 'button.button')
      expect(await page.locator('#name-error').textContent()).toBe('Ingrese su nombre.')
      await page.fill('#email', 'ana@example.com')
      // At once: no request, no wait.
      expect(await page.locator('#email-error').count()).toBe(0)
      expect(await page.getAttribute('#email', 'aria-invalid')).toBeNull()
      expect(await page.getAttribute('#email', 'aria-describedby')).toBeNull()
      expect(await page.locator('#name-error').textContent()).toBe('Ingrese su nombre.')
      expect(await page.isVisible('#form-alert')).toBe(true)
      await page.fill('#name', 'Ana Torres')
      expect(await page.locator('#name-error').count()).toBe(0)
      // The password's message goes too and its hint comes back, once.
      await page.locator('#password').pressSequentially('x')
      expect(await page.locator('#password-feedback .error').count()).toBe(0)
      expect(await page.isVisible('#password-hint')).toBe(true)
      expect(await page.getAttribute('#password', 'aria-describedby')).toBe('password-hint password-feedback')
      // Still too short: the inline check says so again, in place of the hint.
      await expect.poll(() => page.textContent('#password-feedback')).toBe('La contraseña debe tener al menos 6 caracteres.')
      expect(await page.isVisible('#password-hint')).toBe(false)
      expect((await page.innerText('main')).match(/al menos 6 caracteres/gi)).toHaveLength(1)
      await noViolations(page, true)
      await visitor.close()
    })

    it('without JavaScript: the messages are judged again on submit, a fixed field loses its own', async () => {
      const visitor = await newVisitor(browser, { javaScript: false, viewport })
      const page = await openPage(visitor)
      await page.goto(`${baseUrl}/signup`)
      await page.fill('#name', 'Ana Torres')
      await page.fill('#email', 'ana-sin-arroba')
      await page.fill('#password', 'corta')
      await clickThrough(page, 'button.button')
      expect(await page.locator('#email-error').count()).toBe(1)
      await page.fill('#email', uniqueEmail('ana'))
      await page.fill('#password', 'corta')
      await clickThrough(page, 'button.button')
      expect(await page.locator('#email-error').count()).toBe(0)
      expect(await page.getAttribute('#email', 'aria-invalid')).toBeNull()
      expect(await page.textContent('#password-feedback')).toBe('La contraseña debe tener al menos 6 caracteres.')
      expect(await focusedField(page)).toMatchObject({ id: 'password', invalid: 'true' })
      await noViolations(page, false)
      await visitor.close()
    })
  })
}
