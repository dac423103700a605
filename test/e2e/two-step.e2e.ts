import { execFile } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { baseUrl, clickThrough, launchChromium, newVisitor, PHONE, seriousViolations, signUp, uniqueEmail, saveScreenshot, type Browser, type Page } from './support'

// Issue 21: a person sets up two-step on a 390 px phone from Seguridad,
// reading the key from the page as someone with the app on this same phone
// would (nothing is scanned), signs out, signs in with password + code, then
// with a recovery code (the phone lost), and turns it off. axe on each new
// page; a screenshot of each state for docs/operations.md.

const PASSWORD = 'doble-paso-21'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/** An authenticator of the test's own: RFC 6238 (HMAC-SHA1, 30 s, 6 digits) from the base32 key, `offset` periods from now. */
function totp(key: string, offset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const char of key.replace(/\s/g, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0')
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset))
  const mac = createHmac('sha1', bytes).update(counter).digest()
  const at = mac[mac.length - 1]! & 0x0f
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

async function shoot(page: Page, name: string) {
  expect(await seriousViolations(page)).toEqual([])
  await saveScreenshot(page, `two-step-${name}.png`)
}

async function signOut(page: Page) {
  await page.click('details.menu summary')
  await clickThrough(page, 'form[action="/logout"] button')
}

async function signInWithPassword(page: Page, email: string) {
  await page.goto(`${baseUrl}/login`)
  await page.fill('#email', email)
  await page.fill('#password', PASSWORD)
  await clickThrough(page, 'form[action="/login"] button.button')
  await page.waitForURL(/\/login\/two-step/)
}

describe('two-step on a phone', () => {
  it('set up from Seguridad, sign in with password + code, then with a recovery code, then turn it off', async () => {
    const email = uniqueEmail('dos-pasos')
    const visitor = await newVisitor(browser, { viewport: PHONE })
    const page = await visitor.newPage()
    await signUp(page, { name: 'Marta Ruiz', email, password: PASSWORD })

    await page.goto(`${baseUrl}/security`)
    await shoot(page, 'off')
    await clickThrough(page, 'text=Activar la verificación en dos pasos')
    expect(await page.getAttribute('a:has-text("Abrir en su app de autenticación")', 'href')).toMatch(/^otpauth:\/\/totp\/Ecuabots:/)
    const key = (await page.textContent('#two-step-key'))!
    await shoot(page, 'setup')
    await page.fill('#code', totp(key))
    await clickThrough(page, 'text=ACTIVAR')
    const codes = (await page.textContent('#recovery-codes'))!.trim().split(/\s+/)
    expect(codes).toHaveLength(10)
    // Each code reads on one line at 390 px: a code broken in two looks like two codes.
    const linesPerCode = await page.$eval('#recovery-codes', (pre) => {
      const text = pre.firstChild!
      return (text.textContent ?? '').split('\n').map((code, _, all) => {
        const start = all.slice(0, all.indexOf(code)).join('\n').length + (all.indexOf(code) > 0 ? 1 : 0)
        const range = document.createRange()
        range.setStart(text, start)
        range.setEnd(text, start + code.length)
        return new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top))).size
      })
    })
    expect(linesPerCode.filter((lines) => lines > 0)).toEqual(Array(10).fill(1))
    await shoot(page, 'recovery-codes')
    await clickThrough(page, 'text=Ya los guardé')
    expect(await page.textContent('#dos-pasos')).toContain('Está activada')

    await signOut(page)
    await signInWithPassword(page, email)
    await shoot(page, 'sign-in')
    // The code that turned it on was this period's: the next one is accepted once too (±1 period).
    await page.fill('#code', totp(key, 1))
    await clickThrough(page, 'form[action="/login/two-step"] button.button >> nth=0')
    await page.waitForURL(/\/profile/)

    await signOut(page)
    await signInWithPassword(page, email)
    await page.click('text=¿No tiene su teléfono? Use un código de recuperación')
    await page.fill('#recovery_code', codes[0]!)
    await shoot(page, 'recovery')
    await clickThrough(page, 'details button:has-text("CONTINUAR")')
    await page.waitForURL(/\/profile/)

    await page.goto(`${baseUrl}/security`)
    expect(await page.textContent('#dos-pasos')).toContain('Le quedan 9')
    await page.click('text=Desactivar la verificación en dos pasos')
    await page.fill('#off_code', codes[1]!)
    await clickThrough(page, 'form[action="/security/two-step/off"] button')
    await page.waitForURL(/aviso=dos-pasos-desactivada/)
    expect(await page.textContent('main, body')).toContain('Desactivó la verificación en dos pasos.')
    await shoot(page, 'turned-off')
    await visitor.close()
  })

  it('phone and codes lost: the code page says to write to support; support runs npm run two-step:off; she signs in with the password alone and Seguridad says who did it', async () => {
    const email = uniqueEmail('sin-telefono')
    const visitor = await newVisitor(browser, { viewport: PHONE })
    const page = await visitor.newPage()
    await signUp(page, { name: 'Rosa Vera', email, password: PASSWORD })
    await page.goto(`${baseUrl}/security`)
    await clickThrough(page, 'text=Activar la verificación en dos pasos')
    await page.fill('#code', totp((await page.textContent('#two-step-key'))!))
    await clickThrough(page, 'text=ACTIVAR')
    await clickThrough(page, 'text=Ya los guardé')
    await signOut(page)

    await signInWithPassword(page, email)
    await page.click('text=¿No tiene su teléfono? Use un código de recuperación')
    expect(await page.textContent('main')).toContain('¿Perdió el teléfono y los códigos de recuperación? Escríbanos a')

    // Support, on the same machine as this app's local D1 (docs/operations.md, "Two-step: a lost phone").
    const { stdout } = await promisify(execFile)('node', ['scripts/two-step-off.mjs', '--email', email, '--operator', 'Pedro (soporte)', '--persist-to', inject('appState')])
    expect(stdout.trim()).toBe(`Desactivada la verificación en dos pasos de ${email}. Quedó en su actividad, con su nombre, y le avisamos por correo (1 en la bandeja de salida).`)

    await signInWithPasswordOnly(page, email)
    await page.goto(`${baseUrl}/security#actividad`)
    expect(await page.textContent('#dos-pasos')).toContain('Activar la verificación en dos pasos')
    expect(await page.textContent('#actividad')).toContain('Verificación en dos pasos desactivada por soporte')
    expect(await page.textContent('#actividad')).toContain('a pedido suyo, por Pedro (soporte) del equipo de soporte')
    await page.locator('#actividad').scrollIntoViewIfNeeded()
    await shoot(page, 'by-support')
    await visitor.close()
  })
})

async function signInWithPasswordOnly(page: Page, email: string) {
  await page.goto(`${baseUrl}/login`)
  await page.fill('#email', email)
  await page.fill('#password', PASSWORD)
  await clickThrough(page, 'form[action="/login"] button.button')
  await page.waitForURL(/\/profile/)
}
