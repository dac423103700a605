import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  baseUrl,
  clickThrough,
  codeIn,
  DESKTOP,
  launchChromium,
  linkIn,
  mailAfter,
  newVisitor,
  PHONE,
  seriousViolations,
  signUp,
  uniqueEmail,
  type Browser,
  saveScreenshot,
  type Page,
} from './support'

// Every page, empty and with errors: axe-core finds no serious or critical
// violation, and each main page is saved as a phone and a desktop screenshot
// in docs/screenshots/ (docs/operations.md shows them).

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

type State = { name: string; screenshot?: boolean; open: (page: Page) => Promise<void> }

const PASSWORD = 'faro-del-sur-12'

async function signedUp(page: Page, label: string) {
  const email = uniqueEmail(label)
  await signUp(page, { name: 'Valeria Ponce', email, password: PASSWORD })
  return email
}

const states: State[] = [
  { name: 'login', screenshot: true, open: (page) => goto(page, '/login') },
  {
    name: 'login-error',
    screenshot: true,
    open: async (page) => {
      await goto(page, '/login')
      await page.fill('#email', uniqueEmail('nadie'))
      await page.fill('#password', 'no-es-esta')
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#login-error:has-text("no son correctos")')
    },
  },
  { name: 'signup', screenshot: true, open: (page) => goto(page, '/signup') },
  {
    name: 'signup-errors',
    screenshot: true,
    open: async (page) => {
      await goto(page, '/signup')
      await page.fill('#email', 'sin-arroba')
      await page.fill('#password', '123')
      await page.fill('#password_confirmation', '321')
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#email-error:has-text("Ingrese un correo electrónico válido")')
      await page.waitForSelector('p.alert')
    },
  },
  { name: 'forgot', screenshot: true, open: (page) => goto(page, '/password/forgot') },
  {
    name: 'forgot-error',
    open: async (page) => {
      await goto(page, '/password/forgot')
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#email-error')
    },
  },
  {
    name: 'forgot-sent',
    screenshot: true,
    open: async (page) => {
      await goto(page, '/password/forgot')
      await page.fill('#email', uniqueEmail('alguien'))
      await clickThrough(page, 'button.button')
      await page.waitForSelector('h1:has-text("Revise su bandeja de entrada")')
    },
  },
  {
    name: 'reset',
    screenshot: true,
    open: async (page) => {
      const email = await signedUp(page, 'reset')
      await page.context().clearCookies()
      await goto(page, '/password/forgot')
      await page.fill('#email', email)
      await page.goto(linkIn(await mailAfter(email, 'password-reset', () => clickThrough(page, 'button.button')), '/password/reset/'))
      await page.waitForSelector('h1:has-text("Elija una nueva contraseña")')
    },
  },
  {
    name: 'reset-errors',
    screenshot: true,
    open: async (page) => {
      const email = await signedUp(page, 'reset-err')
      await page.context().clearCookies()
      await goto(page, '/password/forgot')
      await page.fill('#email', email)
      await page.goto(linkIn(await mailAfter(email, 'password-reset', () => clickThrough(page, 'button.button')), '/password/reset/'))
      await page.waitForSelector('h1:has-text("Elija una nueva contraseña")')
      await page.fill('#password', 'password')
      await page.fill('#password_confirmation', 'otra')
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#password_confirmation-feedback:has-text("Las contraseñas no coinciden.")')
      await page.waitForSelector('p.alert')
    },
  },
  {
    name: 'verify',
    open: async (page) => {
      const email = uniqueEmail('verifica')
      await goto(page, '/signup')
      await page.fill('#name', 'Tomás Ruiz')
      await page.fill('#email', email)
      await page.fill('#password', PASSWORD)
      await page.fill('#password_confirmation', PASSWORD)
      await page.goto(linkIn(await mailAfter(email, 'email-verification', () => clickThrough(page, 'button.button')), '/email/verify/'))
      await page.waitForSelector('h1:has-text("Confirmar su correo electrónico")')
    },
  },
  {
    name: 'invalid-link',
    open: async (page) => {
      await goto(page, `/password/reset/${'x'.repeat(43)}`)
      await page.waitForSelector('h1:has-text("Este enlace ya no es válido")')
    },
  },
  {
    name: 'not-found',
    open: async (page) => {
      await signedUp(page, 'no-existe')
      await goto(page, '/no-existe')
      await page.waitForSelector('h1:has-text("Página no encontrada")')
    },
  },
  {
    name: 'unverified',
    open: async (page) => {
      const email = uniqueEmail('sin-confirmar')
      await goto(page, '/signup')
      await page.fill('#name', 'Sara Vélez')
      await page.fill('#email', email)
      await page.fill('#password', PASSWORD)
      await page.fill('#password_confirmation', PASSWORD)
      await clickThrough(page, 'button.button')
      await goto(page, '/login')
      await page.fill('#email', email)
      await page.fill('#password', PASSWORD)
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#login-error:has-text("primero confírmela")')
    },
  },
  {
    name: 'throttled',
    screenshot: true,
    open: async (page) => {
      const email = uniqueEmail('bloqueo')
      // Ten wrong passwords from ten addresses, then this browser tries.
      for (let i = 0; i < 10; i++) {
        await fetch(`${baseUrl}/login`, {
          method: 'POST',
          headers: { Origin: baseUrl, 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': `2001:db8::bad:${i}` },
          body: new URLSearchParams({ email, password: `mal-${i}` }),
        })
      }
      await goto(page, '/login')
      await page.fill('#email', email)
      await page.fill('#password', 'otra-vez')
      await clickThrough(page, 'button.button')
      expect(await page.textContent('h1')).toBe('Demasiados intentos')
    },
  },
  {
    name: 'profile',
    screenshot: true,
    open: async (page) => {
      await signedUp(page, 'perfil')
      await page.click('summary') // the avatar menu, open
      await page.waitForSelector('details.menu[open] .menu-panel')
    },
  },
  {
    name: 'profile-errors',
    screenshot: true,
    open: async (page) => {
      await signedUp(page, 'perfil-err')
      await page.fill('#name', '')
      await page.fill('#password', 'abc')
      await page.fill('#password_confirmation', 'abd')
      await clickThrough(page, 'button:has-text("GUARDAR PERFIL")')
      await page.waitForSelector('#name-error')
      await page.waitForSelector('p.alert')
    },
  },
  {
    name: 'security',
    screenshot: true,
    open: async (page) => {
      const email = await signedUp(page, 'seguridad')
      const phone = await page.context().browser()!.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' })
      const other = await phone.newPage()
      await other.goto(`${baseUrl}/login`)
      await other.fill('#email', email)
      await other.fill('#password', PASSWORD)
      await other.click('button.button')
      await other.waitForURL(/\/profile/)
      await phone.close()
      await goto(page, '/security')
      await page.waitForSelector('.sessions li >> nth=1') // this device and the iPhone
    },
  },
  // "Cambiar correo electrónico" (issue 22): the form, its error, the answer, Seguridad's pending list and both mailed links' pages.
  {
    name: 'email-change',
    open: async (page) => {
      await signedUp(page, 'cambio')
      await goto(page, '/profile/email')
    },
  },
  {
    name: 'email-change-errors',
    open: async (page) => {
      const email = await signedUp(page, 'cambio-err')
      await goto(page, '/profile/email')
      await page.fill('#email', email)
      await clickThrough(page, 'button.button')
      await page.waitForSelector('#email-error')
    },
  },
  {
    name: 'email-change-pending',
    open: async (page) => {
      await signedUp(page, 'cambio-pend')
      await goto(page, '/profile/email')
      await page.fill('#email', uniqueEmail('cambio-nueva'))
      await clickThrough(page, 'button.button')
      await page.waitForSelector('h1:has-text("Revise su nuevo correo")')
      await goto(page, '/security')
      await page.waitForSelector('h2:has-text("Cambios de correo pendientes")')
    },
  },
  {
    name: 'email-change-links',
    open: async (page) => {
      const email = await signedUp(page, 'cambio-enlaces')
      const newEmail = uniqueEmail('cambio-destino')
      await goto(page, '/profile/email')
      await page.fill('#email', newEmail)
      // Both mails come from one submit: the notice is awaited inside the wait for the confirmation.
      let notice: Awaited<ReturnType<typeof mailAfter>> | undefined
      const confirm = await mailAfter(newEmail, 'email-change-confirm', async () => {
        notice = await mailAfter(email, 'email-change-requested', () => clickThrough(page, 'button.button'))
      })
      await page.goto(linkIn(confirm, '/email/change/'))
      await page.waitForSelector('h1:has-text("Confirmar su nuevo correo")')
      expect(await seriousViolations(page)).toEqual([])
      await page.goto(linkIn(notice!, '/email/undo/'))
      await page.waitForSelector('h1:has-text("No fui yo")')
    },
  },
  {
    // "Eliminar la cuenta" opened and sent with an address that is not the account's: the message under the field, focused.
    name: 'security-delete-errors',
    open: async (page) => {
      const email = await signedUp(page, 'eliminar-err')
      await goto(page, '/security#eliminar')
      await page.click('#eliminar summary')
      await page.fill('#eliminar-correo', `otra-${email}`)
      await clickThrough(page, 'button:has-text("Eliminar mi cuenta para siempre")')
      await page.waitForSelector('#eliminar-correo-error')
    },
  },
  {
    // After deleting the account: signed out, on the page that says so.
    name: 'account-deleted',
    open: async (page) => {
      const email = await signedUp(page, 'eliminada')
      await goto(page, '/security#eliminar')
      await page.click('#eliminar summary')
      await page.fill('#eliminar-correo', email)
      await clickThrough(page, 'button:has-text("Eliminar mi cuenta para siempre")')
      await page.waitForSelector('h1:has-text("Su cuenta fue eliminada")')
    },
  },
  { name: 'email-login', screenshot: true, open: (page) => goto(page, '/login/email') },
  {
    name: 'email-login-sent',
    screenshot: true,
    open: async (page) => {
      await goto(page, '/login/email')
      await page.fill('#email', uniqueEmail('enlace'))
      await clickThrough(page, 'button.button')
      await page.waitForSelector('h1:has-text("Revise su correo")')
    },
  },
  {
    name: 'code-error',
    open: async (page) => {
      await goto(page, '/login/email')
      await page.fill('#email', uniqueEmail('codigo'))
      await clickThrough(page, 'button.button')
      await page.fill('#code', '12')
      await page.click('button.button')
      await page.waitForSelector('#code-feedback .error')
    },
  },
  {
    name: 'continue-as',
    screenshot: true,
    open: async (page) => {
      const email = await signedUp(page, 'continuar')
      await page.context().clearCookies()
      await goto(page, '/login/email')
      await page.fill('#email', email)
      const mail = await mailAfter(email, 'login-link', () => clickThrough(page, 'button.button'))
      expect(codeIn(mail)).toMatch(/^\d{6}$/)
      await page.goto(linkIn(mail, '/login/email/'))
      await page.waitForSelector('h1:has-text("Entrar con su enlace de acceso")')
    },
  },
]

function goto(page: Page, path: string) {
  return page.goto(`${baseUrl}${path}`).then(() => undefined)
}

describe('every page, empty and with errors', () => {
  for (const state of states) {
    it(`${state.name}: no serious or critical accessibility violations`, async () => {
      const visitor = await newVisitor(browser, { viewport: PHONE })
      const page = await visitor.newPage()
      await state.open(page)
      await page.waitForLoadState('load')
      expect(await seriousViolations(page)).toEqual([])
      if (state.screenshot) {
        await saveScreenshot(page, `${state.name}-phone.png`)
        await page.setViewportSize(DESKTOP)
        await saveScreenshot(page, `${state.name}-desktop.png`)
      }
      await visitor.close()
    })
  }
})

describe('the page a person sees after a failed submit', () => {
  it('puts the focus on the first problem', async () => {
    const visitor = await newVisitor(browser, { javaScript: false })
    const page = await visitor.newPage()
    await goto(page, '/signup')
    await page.fill('#name', 'Ana')
    await page.fill('#email', 'sin-arroba')
    await clickThrough(page, 'button.button')
    // autofocus is applied once the page has loaded, so wait for it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('email')
    await visitor.close()
  })

  it('offers a show/hide password button that is a real, labelled button', async () => {
    const visitor = await newVisitor(browser)
    const page = await visitor.newPage()
    await goto(page, '/login')
    await page.fill('#password', 'secreto-visible')
    const toggle = page.locator('button[data-reveal="password"]')
    expect(await toggle.isVisible()).toBe(true)
    expect(await toggle.getAttribute('aria-label')).toBe('Mostrar: Contraseña')
    await toggle.click()
    expect(await page.getAttribute('#password', 'type')).toBe('text')
    // Its accessible name says what pressing it does now.
    expect(await toggle.getAttribute('aria-label')).toBe('Ocultar: Contraseña')
    expect(await toggle.textContent()).toBe('Ocultar')
    await toggle.press('Enter')
    expect(await page.getAttribute('#password', 'type')).toBe('password')
    expect(await toggle.getAttribute('aria-label')).toBe('Mostrar: Contraseña')
    await visitor.close()
  })

  it('buttons and standalone links are at least 44 px tall', async () => {
    const visitor = await newVisitor(browser)
    const page = await visitor.newPage()
    await goto(page, '/login')
    const heights = await page.$$eval('button:not([hidden]), .links a, a.button', (elements) =>
      elements.filter((element) => (element as HTMLElement).offsetParent).map((element) => element.getBoundingClientRect().height),
    )
    expect(heights.length).toBeGreaterThan(2)
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(44)
    await visitor.close()
  })
})
