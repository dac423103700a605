import { describe, expect, it } from 'vitest'
import { ThrottledPage } from '../views/throttled'
import { VerifyEmailPage } from '../views/verify'
import { ContinueAsPage } from '../views/access-link-pages'
import { ProfilePage } from '../views/profile-page'
import { SessionsList } from '../views/partials/sessions-and-activity'
import { Browser, mailsTo, signedInUser, uniqueEmail, visibleText } from './helpers'

// Issue 19, points 5, 6, 13 and 15, as the server renders them (the browser
// side — focus, clearing as the person types, 320 px — is in
// test/e2e/errors-where-the-person-is.e2e.ts, code-page-small-phone.e2e.ts
// and confirmation-check.e2e.ts).

const inlineCheck = (form: Record<string, string>) => new Browser().post('/validate/password', form, { 'HX-Request': 'true' })

/** What the inline check says under the confirmation: the content of its <hx-partial>. */
function underConfirmation(html: string) {
  return visibleText(html.match(/<hx-partial hx-target="#password_confirmation-feedback" hx-swap="innerHTML">([\s\S]*?)<\/hx-partial>/)![1]!)
}

/** A role=alert shown in the page as it loads (the passkey buttons' empty, hidden ones are filled later by script, which is what role=alert is for). */
const ALERT_AT_LOAD = /<[^>]*role="alert"(?![^>]*hidden)[^>]*>/

/** The opening tag of the input named `id`. */
function input(html: string, id: string) {
  return html.match(new RegExp(`<input id="${id}"[^>]*>`))![0]
}

describe('the inline check of the confirmation: flagged as soon as it can no longer match', () => {
  it('"clave-m" under "clave-bonita-9" says "Las contraseñas no coinciden." though it is shorter', async () => {
    const page = await inlineCheck({ password: 'clave-bonita-9', password_confirmation: 'clave-m' })
    expect(underConfirmation(page.text)).toBe('Las contraseñas no coinciden.')
  })

  it('stays quiet while the confirmation is still the start of the password, and judges it once the person leaves', async () => {
    expect(underConfirmation((await inlineCheck({ password: 'clave-bonita-9', password_confirmation: 'clave-b' })).text)).toBe('')
    const left = await inlineCheck({ password: 'clave-bonita-9', password_confirmation: 'clave-b', confirmation_left: '1' })
    expect(underConfirmation(left.text)).toBe('Las contraseñas no coinciden.')
  })

  it('without JavaScript the sign-up form says the same words under the confirmation', async () => {
    const page = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail('ana'), password: 'clave-bonita-9', password_confirmation: 'clave-m' })
    expect(page.status).toBe(422)
    const region = page.text.match(/<div id="password_confirmation-feedback" class="feedback" aria-live="polite">([\s\S]*?)<\/div>/)![1]!
    expect(visibleText(region)).toBe('Las contraseñas no coinciden.')
  })
})

describe('a form that comes back wrong: no alert waiting at load, the field marked and described', () => {
  it('a wrong password: the password field is focused, aria-invalid and described by the message over the form', async () => {
    const page = await new Browser().post('/login', { email: uniqueEmail('nadie'), password: 'no-es-esta-9' })
    expect(page.status).toBe(401)
    expect(page.text).not.toMatch(ALERT_AT_LOAD)
    const password = input(page.text, 'password')
    expect(password).toContain('aria-invalid="true"')
    expect(password).toContain('aria-describedby="login-error"')
    expect(password).toContain('autofocus')
    expect(page.text).toMatch(/<p class="alert" id="login-error">El correo electrónico o la contraseña no son correctos\./)
  })

  it('sign-up: "al menos 6 caracteres" is said once — the hint gives way to the message', async () => {
    const page = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail('ana'), password: 'corta', password_confirmation: 'corta' })
    expect(page.status).toBe(422)
    expect(page.text).not.toMatch(ALERT_AT_LOAD)
    expect(visibleText(page.text.replace(/<p class="hint"[^>]*hidden[^>]*>[^<]*<\/p>/g, '')).match(/al menos 6 caracteres/gi)).toHaveLength(1)
    expect(input(page.text, 'password')).toContain('aria-describedby="password-feedback"')
  })
})

describe('the code page', () => {
  it('the code field is focused on arrival and has room for "123 456"', async () => {
    const page = await new Browser().post('/login/email', { email: uniqueEmail('espacios') })
    const code = input(page.text, 'code')
    expect(code).toContain('autofocus')
    expect(Number(code.match(/maxlength="(\d+)"/)![1])).toBeGreaterThanOrEqual('123 456'.length)
    expect(code).not.toContain('pattern=') // a space is no mistake
  })

  it('a code typed as "123 456" signs in: the server strips the space', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    await asking.post('/login/email', { email })
    const code = mailsTo(email, 'login-link').at(-1)!.text.match(/^\s{4}(\d{6})$/m)![1]!
    const page = await asking.post('/login/code', { code: `${code.slice(0, 3)} ${code.slice(3)}` })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/profile')
  })
})

describe('what a page says at load is no role=alert (one present at load is not announced)', () => {
  const html = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString())
  const warning = { current: 'an***@example.com', target: 'be***@example.com' }

  it('the throttled sign-in: its words are the page, under its title, with no live region', async () => {
    const page = await html(ThrottledPage({ minutes: 15 }))
    expect(page).not.toMatch(ALERT_AT_LOAD)
    expect(visibleText(page)).toContain('15 minutos')
  })

  it('"si continúa, cerraremos su sesión actual" before a link\'s button is a status, on the confirmation and the enlace de acceso pages', async () => {
    for (const page of [await html(VerifyEmailPage({ token: 't', account: 'be***@example.com', warning })), await html(ContinueAsPage({ maskedEmail: 'be***@example.com', token: 't', warning }))]) {
      expect(page).not.toMatch(ALERT_AT_LOAD)
      expect(page).toMatch(/<p class="alert" role="status">Ahora tiene abierta la sesión de an\*\*\*@example\.com\./)
    }
  })

  it('"los correos a su dirección están rebotando" on the profile is a status, not an alert', async () => {
    const page = await html(
      ProfilePage({
        user: { name: 'Ana', email: 'ana@example.com', mailBouncedAt: 1 },
        askCurrentPassword: false,
        supportEmail: 'soporte@example.com',
        passkeys: { passkeys: [], rpId: 'localhost', userHandle: null },
      }),
    )
    expect(page).not.toMatch(ALERT_AT_LOAD)
    expect(page).toMatch(/<p class="alert" role="status">Los correos a su dirección están rebotando/)
  })

  it('"Cerrar todas las demás sesiones" refused with no field to mark: the way on is focused and read with the reason', async () => {
    const sessions = [1, 2].map((n) => ({ id: `s${n}`, createdAt: 0, lastSeenAt: 0, method: 'password', userAgent: null, city: null, country: null }))
    const page = await html(SessionsList({ sessions, currentId: 's1', revokeOthers: { askCurrentPassword: false, asksFreshSignIn: true, error: 'Abra un enlace de acceso.' } }))
    expect(page).not.toMatch(ALERT_AT_LOAD)
    expect(page).toMatch(/<p class="error" id="cerrar-otras-error">Abra un enlace de acceso\.<\/p>/)
    expect(page).toMatch(/<button type="submit" class="linklike" formaction="\/profile\/reauth"[^>]*aria-describedby="cerrar-otras-error" autofocus/)
  })
})
