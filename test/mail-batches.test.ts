import { env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { oneTimeTokens, type TokenPurpose } from '../src/db/schema'
import { accountOf, Browser, mailsTo, PASSWORD, requestReset, sessionsOf, signedInUser, uniqueEmail } from './helpers'
import { captureMailLog, db, restoreAfterEach } from './helpers/outbox'

restoreAfterEach()

/** Runs `action` while D1 refuses to write outbox rows of this kind, as if the outbox's write failed. */
async function withOutboxRefusing<T>(kind: string, action: () => Promise<T>): Promise<T> {
  await env.DB.exec(`CREATE TRIGGER refuse_mail BEFORE INSERT ON outbox WHEN NEW.kind = '${kind}' BEGIN SELECT RAISE(ABORT, 'outbox down'); END`)
  try {
    return await action()
  } finally {
    await env.DB.exec('DROP TRIGGER refuse_mail')
  }
}

async function tokensOf(email: string, purpose: TokenPurpose) {
  const user = await accountOf(email)
  return db.select().from(oneTimeTokens).where(and(eq(oneTimeTokens.userId, user!.id), eq(oneTimeTokens.purpose, purpose)))
}

// Each mail is written in the same D1 batch as the state that caused it: if
// the mail cannot be written, neither is the state — no link without its
// mail, no change without its notice — and the next try writes both.
describe('when the outbox cannot take a mail, what caused it does not happen either', () => {
  it('sign-up: no account is created without its confirmation mail', async () => {
    captureMailLog()
    const email = uniqueEmail('nueva')
    const form = { name: 'Nueva', email, password: PASSWORD, password_confirmation: PASSWORD }
    await withOutboxRefusing('email-verification', () => new Browser().post('/signup', form))
    expect(await accountOf(email)).toBeUndefined()
    await new Browser().post('/signup', form)
    expect(await accountOf(email)).toBeDefined()
    expect(mailsTo(email, 'email-verification')).toHaveLength(1)
  })

  it('an unconfirmed account signing in: no new confirmation link without its mail', async () => {
    captureMailLog()
    const email = uniqueEmail('sin-confirmar')
    await new Browser().post('/signup', { name: 'Nueva', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect(await tokensOf(email, 'email_verification')).toHaveLength(1)
    await withOutboxRefusing('email-verification', () => new Browser().post('/login', { email, password: PASSWORD }))
    expect(await tokensOf(email, 'email_verification')).toHaveLength(1)
    await new Browser().post('/login', { email, password: PASSWORD })
    expect(await tokensOf(email, 'email_verification')).toHaveLength(2)
    expect(mailsTo(email, 'email-verification')).toHaveLength(2)
  })

  it('"Olvidé mi contraseña": no reset link without its mail, and the person sees the usual answer', async () => {
    captureMailLog()
    const { email } = await signedInUser()
    const page = await withOutboxRefusing('password-reset', () => new Browser().post('/password/forgot', { email }))
    expect(page.status).toBe(200)
    expect(await tokensOf(email, 'password_reset')).toHaveLength(0)
    await new Browser().post('/password/forgot', { email })
    expect(await tokensOf(email, 'password_reset')).toHaveLength(1)
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('"Recibir un enlace de acceso": no sign-in link or code without its mail', async () => {
    captureMailLog()
    const { email } = await signedInUser()
    await withOutboxRefusing('login-link', () => new Browser().post('/login/email', { email }))
    expect(await tokensOf(email, 'login')).toHaveLength(0)
    await new Browser().post('/login/email', { email })
    expect(await tokensOf(email, 'login')).toHaveLength(1)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
  })

  it('a password change on the profile: the old password still works until its notice can be written', async () => {
    captureMailLog()
    const { browser, email, name } = await signedInUser()
    const change = { name, current_password: PASSWORD, password: 'otra-clave-segura-2', password_confirmation: 'otra-clave-segura-2' }
    await withOutboxRefusing('password-changed', () => browser.post('/profile', change))
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await browser.post('/profile', change)).status).toBe(303)
    expect(mailsTo(email, 'password-changed')).toHaveLength(1)
    expect((await new Browser().post('/login', { email, password: 'otra-clave-segura-2' })).status).toBe(303)
  })

  it('a reset: the password is not set, nor the link spent, until its notice can be written', async () => {
    captureMailLog()
    const { email } = await signedInUser()
    const phone = new Browser()
    await phone.get(await requestReset(email))
    const form = { password: 'otra-clave-segura-2', password_confirmation: 'otra-clave-segura-2' }
    await withOutboxRefusing('password-changed', () => phone.post('/password/reset', form))
    expect(await tokensOf(email, 'password_reset')).toHaveLength(1)
    // The new password was not set (checked without signing in: a sign-in would spend the link).
    expect((await new Browser().post('/login', { email, password: form.password })).status).toBe(401)
    expect((await phone.post('/password/reset', form)).status).toBe(303)
    expect(mailsTo(email, 'password-changed')).toHaveLength(1)
  })

  it('a sign-in from a new device: no session without the "nuevo inicio de sesión" notice', async () => {
    captureMailLog()
    const { email } = await signedInUser()
    const before = (await sessionsOf(email)).length
    const stranger = new Browser()
    await withOutboxRefusing('new-sign-in', () => stranger.post('/login', { email, password: PASSWORD }))
    expect(stranger.cookie('__Host-session')).toBeUndefined()
    expect(await sessionsOf(email)).toHaveLength(before)
    expect((await stranger.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(await sessionsOf(email)).toHaveLength(before + 1)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(1)
  })
})
