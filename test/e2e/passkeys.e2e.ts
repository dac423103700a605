import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, clickThrough, DESKTOP, launchChromium, linkIn, mailAfter, newVisitor, PHONE, seriousViolations, signUp, uniqueEmail, saveScreenshot, type Browser, type Page } from './support'

// Passkeys in a real browser: Chromium's virtual authenticator (through the
// DevTools protocol) stands in for a phone or a laptop's fingerprint reader.
// WebAuthn needs a secure context, so these pages are on http://localhost
// (global-setup's baseUrl), never 127.0.0.1: the RP ID is "localhost".

const PASSWORD = 'faro-del-sur-12'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/** A platform authenticator with resident keys and user verification, as a phone or a laptop with a fingerprint reader has. */
/** A passkey as Chromium's DevTools protocol reports it (WebAuthn.getCredentials), private key included. */
type Credential = { credentialId: string; isResidentCredential: boolean; privateKey: string; signCount: number; rpId?: string; userHandle?: string }

async function addAuthenticator(page: Page, carrying: Credential[] = []) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  })
  // The same device on another page: its passkeys come along.
  for (const credential of carrying) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential })
  return {
    add: async (credential: Credential) => void (await cdp.send('WebAuthn.addCredential', { authenticatorId, credential })),
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  }
}

/** Signs up, confirms and adds a passkey from the profile; leaves the page on the profile. */
async function signUpWithPasskey(page: Page, label: string) {
  const email = uniqueEmail(label)
  await signUp(page, { name: 'Marta Quiroga', email, password: PASSWORD })
  const mail = await mailAfter(email, 'passkey-added', async () => {
    await page.click('text=Agregar una llave de acceso')
    await page.waitForURL(/aviso=llave-agregada/)
  })
  expect(mail.Subject).toMatch(/^Se agregó una llave de acceso a su cuenta/)
  return email
}

/** A person who added a passkey on this browser's device and signed out; a fresh page of the same browser waits. */
async function signedOutWithPasskey(label: string) {
  const visitor = await newVisitor(browser)
  const page = await visitor.newPage()
  const device = await addAuthenticator(page)
  await withoutAutofill(page) // while adding the passkey
  await signUpWithPasskey(page, label)
  await signOut(page)
  return { visitor, device, login: await visitor.newPage() }
}

async function signOut(page: Page) {
  await page.click('summary')
  await page.click('text=Cerrar sesión')
  await page.waitForURL(/\/login/)
}

/** Keeps the login page from starting the autofill request, so the button's own request is the one tested. */
async function withoutAutofill(page: Page) {
  await page.addInitScript(() => {
    if (window.PublicKeyCredential) Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false })
  })
}

describe('passkeys in the browser', () => {
  it('adds a passkey on the profile, signs out, and signs in with the button: no password typed', async () => {
    const visitor = await newVisitor(browser)
    const page = await visitor.newPage()
    await withoutAutofill(page)
    const authenticator = await addAuthenticator(page)
    await signUpWithPasskey(page, 'llave')
    expect(await page.textContent('.notice')).toContain('Agregamos la llave de acceso')
    expect(await page.textContent('#llaves')).toContain('Chrome en Linux')
    expect(await authenticator.credentials()).toHaveLength(1)
    expect(await seriousViolations(page)).toEqual([])
    await saveScreenshot(page, 'profile-passkeys-phone.png')

    await signOut(page)
    await page.goto(`${baseUrl}/profile`) // signed out: to /login?next=/profile, kept through the passkey
    await page.click('text=Iniciar sesión con una llave de acceso')
    await page.waitForURL(/\/profile$/)
    expect(await page.textContent('h1')).toBe('Perfil del usuario')
    await visitor.close()
  })

  it('signs in through the browser autofill of the email field (conditional mediation), with no click', async () => {
    // The field offers passkeys to autofill. Read where no passkey answers: with one, the page may have moved on to the profile first.
    const stranger = await newVisitor(browser)
    const plain = await stranger.newPage()
    await plain.goto(`${baseUrl}/login`)
    expect(await plain.getAttribute('#email', 'autocomplete')).toBe('username webauthn')
    await stranger.close()

    const { visitor, device, login } = await signedOutWithPasskey('autollenado')
    // The same device on a fresh page, where the login page starts its autofill request on load.
    // (Chromium's virtual authenticator answers a conditional request at once, as if the person picked the passkey.)
    await addAuthenticator(login, await device.credentials())
    await login.goto(`${baseUrl}/login`)
    await login.waitForURL(/\/profile$/)
    expect(await login.textContent('h1')).toBe('Perfil del usuario')
    await visitor.close()
  })

  it('the button aborts the pending autofill request before starting its own (one credentials.get at a time)', async () => {
    const { visitor, device, login } = await signedOutWithPasskey('boton')
    // A device with no passkey yet: the autofill request finds nothing to offer and stays pending.
    const laptop = await addAuthenticator(login)
    // Records each credentials.get, and whether every earlier one had been aborted when it was made.
    const gets: { mediation: string; earlierAborted: boolean }[] = []
    await login.exposeFunction('recordGet', (entry: (typeof gets)[number]) => void gets.push(entry))
    await login.addInitScript(() => {
      const signals: (AbortSignal | undefined)[] = []
      const record = (window as unknown as { recordGet: (entry: unknown) => void }).recordGet
      const get = navigator.credentials.get.bind(navigator.credentials)
      navigator.credentials.get = (options?: CredentialRequestOptions) => {
        record({ mediation: options?.mediation ?? 'modal', earlierAborted: signals.every((signal) => signal?.aborted) })
        signals.push(options?.signal)
        return get(options)
      }
    })
    await login.goto(`${baseUrl}/login`)
    await expect.poll(() => gets).toEqual([{ mediation: 'conditional', earlierAborted: true }])
    await laptop.add((await device.credentials())[0]!)
    await login.click('text=Iniciar sesión con una llave de acceso')
    await login.waitForURL(/\/profile$/)
    expect(gets).toEqual([
      { mediation: 'conditional', earlierAborted: true },
      { mediation: 'modal', earlierAborted: true },
    ])
    await visitor.close()
  })

  it('deletes the passkey on the profile: the list empties, the owner is mailed, and the device is told it no longer counts', async () => {
    const visitor = await newVisitor(browser)
    const page = await visitor.newPage()
    await withoutAutofill(page)
    const device = await addAuthenticator(page)
    const email = await signUpWithPasskey(page, 'borrar')
    await page.click('text=Cambiar nombre o eliminar')
    await page.fill('#llaves input[name="name"]', 'Mi teléfono')
    await page.getByRole('button', { name: 'Cambiar nombre', exact: true }).click()
    await page.waitForURL(/aviso=llave-renombrada/)
    expect(await page.textContent('#llaves')).toContain('Mi teléfono')
    await page.click('text=Cambiar nombre o eliminar')
    const mail = await mailAfter(email, 'passkey-removed', async () => {
      // Asked once more before it goes (point 11 of issue 19).
      await page.locator('summary', { hasText: 'Eliminar esta llave' }).click()
      await page.getByRole('button', { name: 'Sí, eliminar la llave: Mi teléfono' }).click()
      await page.waitForURL(/aviso=llave-eliminada/)
    })
    expect(mail.TextBody).toContain('«Mi teléfono»')
    expect(await page.locator('[data-credential-id]').count()).toBe(0)
    // The profile calls PublicKeyCredential.signalAllAcceptedCredentials (Chromium has it), and the device drops the passkey.
    await expect.poll(async () => (await device.credentials()).length).toBe(0)
    await visitor.close()
  })

  it('the profile with a passkey listed, on a desktop: no serious accessibility violations', async () => {
    const visitor = await newVisitor(browser, { viewport: DESKTOP })
    const page = await visitor.newPage()
    await withoutAutofill(page)
    await addAuthenticator(page)
    await signUpWithPasskey(page, 'escritorio')
    expect(await seriousViolations(page)).toEqual([])
    await saveScreenshot(page, 'profile-passkeys-desktop.png')
    await visitor.close()
  })

  it('without JavaScript or without WebAuthn, no passkey control shows', async () => {
    const noScript = await newVisitor(browser, { javaScript: false })
    const page = await noScript.newPage()
    await signUp(page, { name: 'Sin Script', email: uniqueEmail('sinjs'), password: PASSWORD })
    expect(await page.isVisible('#llaves')).toBe(false)
    await page.goto(`${baseUrl}/login`)
    expect(await page.isVisible('text=Iniciar sesión con una llave de acceso')).toBe(false)
    await noScript.close()

    const noWebAuthn = await newVisitor(browser, { viewport: PHONE })
    const other = await noWebAuthn.newPage()
    await other.addInitScript(() => delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential)
    await other.goto(`${baseUrl}/login`)
    await other.waitForLoadState('load')
    expect(await other.isVisible('text=Iniciar sesión con una llave de acceso')).toBe(false)
    await noWebAuthn.close()
  })

  it('a reset from a new phone lists the passkey unticked, removes it, and Seguridad says what can enter now', async () => {
    // The laptop: an account with a passkey on this device.
    const laptop = await newVisitor(browser, { viewport: DESKTOP })
    const laptopPage = await laptop.newPage()
    await withoutAutofill(laptopPage)
    const laptopDevice = await addAuthenticator(laptopPage)
    const email = await signUpWithPasskey(laptopPage, 'recupera')
    await signOut(laptopPage)
    const [passkey] = await laptopDevice.credentials()

    // A new phone, the password forgotten: "Olvidé mi contraseña".
    const phone = await newVisitor(browser, { viewport: PHONE })
    const page = await phone.newPage()
    await page.goto(`${baseUrl}/password/forgot`)
    await page.fill('#email', email)
    const mail = await mailAfter(email, 'password-reset', () => clickThrough(page, 'text=ENVIAR INSTRUCCIONES DE RESTABLECIMIENTO'))
    await page.goto(linkIn(mail, '/password/reset/'))
    const keep = page.getByRole('checkbox', { name: 'Conservar' })
    await expect.poll(() => keep.count()).toBe(1)
    expect(await keep.isChecked()).toBe(false) // removed unless the person keeps it
    expect(await page.textContent('main')).toContain('hasta 5 minutos')
    expect(await seriousViolations(page)).toEqual([])
    await saveScreenshot(page, 'reset-passkeys-phone.png')

    await page.fill('#password', 'nueva-ruta-34')
    await page.fill('#password_confirmation', 'nueva-ruta-34')
    await clickThrough(page, 'text=GUARDAR CONTRASEÑA')
    expect(new URL(page.url()).pathname).toBe('/security')
    const review = await page.textContent('main')
    expect(review).toContain('Esto es lo que puede entrar en su cuenta ahora')
    expect(review).toMatch(/Eliminamos 1 llave/)
    expect(await seriousViolations(page)).toEqual([])
    await saveScreenshot(page, 'security-review-phone.png')

    // Back on the laptop, the removed passkey no longer opens the account.
    const login = await laptop.newPage()
    await withoutAutofill(login)
    await addAuthenticator(login, [passkey!])
    await login.goto(`${baseUrl}/login`)
    await login.click('text=Iniciar sesión con una llave de acceso')
    await expect.poll(() => login.textContent('#passkey-sign-in-error')).toContain('No pudimos iniciar sesión con esa llave de acceso')
    expect(new URL(login.url()).pathname).toBe('/login')
    await laptop.close()
    await phone.close()
  })
})
