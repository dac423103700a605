import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, readConfig } from '../src/config'
import { createApp } from '../src/index'
import { openBodies, outboxKeyring } from '../src/mail/sealed-bodies'
import { Browser, lastMailTo, PASSWORD, postmark, signedInUser, uniqueEmail, visibleText } from './helpers'
import { rowsTo } from './helpers/outbox'

afterEach(() => vi.restoreAllMocks())

describe('mail through Postmark', () => {
  it('sends with the server token header, the stream, a tag and both Spanish bodies', async () => {
    const { email } = await signedInUser({ name: 'Ana Pérez' })
    expect((await new Browser().post('/password/forgot', { email })).status).toBe(200)
    const mail = lastMailTo(email, 'password-reset')
    expect(mail.url).toBe('https://postmark.test/email')
    expect(mail.serverToken).toBe('test-server-token')
    expect(mail.stream).toBe('outbound')
    expect(mail.from).toBe('Ecuabots <no-responder@ecuabots.com>')
    expect(mail.subject).toBe('Instrucciones para restablecer su contraseña · Ecuabots')
    expect(mail.text).toContain('Hola Ana Pérez:')
    expect(mail.html).toContain('<html lang="es">')
    expect(mail.html).toContain('Restablecer mi contraseña')
  })

  it('a Postmark error is logged with its ErrorCode and the person sees the usual answer', async () => {
    const { email } = await signedInUser()
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    postmark.failNext = { status: 422, body: { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' } }
    const page = await new Browser().post('/password/forgot', { email })
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Revise su bandeja de entrada')
    const line = log.mock.calls.map((call) => String(call[0])).find((text) => text.includes('mail.failed'))!
    expect(JSON.parse(line)).toMatchObject({ event: 'mail.failed', tag: 'password-reset', errorCode: 406, status: 422 })
    expect(line).not.toContain(email) // no personal data or links in logs
    expect(line).not.toContain('/password/reset/')
  })

  it('a network failure to Postmark is logged and does not change the page', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    postmark.failNext = 'network'
    const page = await new Browser().post('/signup', { name: 'Ana', email: uniqueEmail(), password: 'clave-segura', password_confirmation: 'clave-segura' })
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Revise su bandeja de entrada')
    const line = log.mock.calls.map((call) => String(call[0])).find((text) => text.includes('"event":"mail.failed"'))!
    expect(JSON.parse(line)).toMatchObject({ event: 'mail.failed', tag: 'email-verification' })
  })
})

describe('configuration', () => {
  const base = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com' }

  it('requires APP_URL and refuses one that is not http(s)', () => {
    expect(() => readConfig({ DB: env.DB })).toThrow(ConfigError)
    expect(() => readConfig({ DB: env.DB, APP_URL: 'javascript:alert(1)' })).toThrow(ConfigError)
    expect(() => readConfig({ DB: env.DB, APP_URL: 'no es url' })).toThrow(ConfigError)
  })

  it('turns the dev mailbox on only for DEV_MAILBOX=true, no Postmark token and a localhost APP_URL', () => {
    expect(readConfig({ ...base, APP_URL: 'http://localhost:8787', DEV_MAILBOX: 'true' }).devMailbox).toBe(true)
    expect(readConfig({ ...base, DEV_MAILBOX: 'true' }).devMailbox).toBe(false) // production URL
    expect(readConfig({ ...base, APP_URL: 'http://localhost:8787' }).devMailbox).toBe(false) // flag not set
    expect(readConfig({ ...base, APP_URL: 'http://localhost:8787', DEV_MAILBOX: 'true', POSTMARK_SERVER_TOKEN: 't' }).devMailbox).toBe(false)
  })

  it('defaults the app name and the message stream', () => {
    const config = readConfig({ ...base, POSTMARK_SERVER_TOKEN: 'token' })
    expect(config.appName).toBe('Ecuabots')
    expect(config.postmark).toMatchObject({ serverToken: 'token', messageStream: 'outbound', apiUrl: null })
  })

  it('takes SECRET_KEY and SECRET_KEY_PREVIOUS, refuses a short one, and has a development key only for the dev mailbox', () => {
    const key = 'k'.repeat(32)
    expect(readConfig({ ...base, SECRET_KEY: key, SECRET_KEY_PREVIOUS: `${key}-old` }).secretKeys).toEqual({ current: key, previous: `${key}-old` })
    expect(() => readConfig({ ...base, SECRET_KEY: 'corta' })).toThrow(ConfigError)
    expect(() => readConfig({ ...base, SECRET_KEY: key, SECRET_KEY_PREVIOUS: 'corta' })).toThrow(ConfigError)
    expect(readConfig(base).secretKeys).toEqual({ current: null, previous: null }) // mails with a link wait for it
    const local = readConfig({ ...base, APP_URL: 'http://localhost:8787', DEV_MAILBOX: 'true' })
    expect(local.secretKeys.current).toMatch(/^ecuabots-cuentas development key/)
    expect(readConfig({ ...base, APP_URL: 'http://localhost:8787', DEV_MAILBOX: 'true', SECRET_KEY: key }).secretKeys.current).toBe(key)
  })
})

/** Runs one request against the app with other vars, as `wrangler dev --var` would set them. */
async function requestWith(vars: Record<string, string | undefined>, path: string, init?: RequestInit) {
  const ctx = createExecutionContext()
  const app = createApp()
  const headers = new Headers(init?.headers)
  if (init?.method === 'POST') headers.set('Origin', 'http://localhost:8787')
  const response = await app.fetch(new Request(`http://localhost:8787${path}`, { ...init, headers }), { ...env, ...vars }, ctx)
  const text = await response.text() // work after the response starts once its body has been read
  await waitOnExecutionContext(ctx)
  return { status: response.status, text }
}

describe('dev mailbox (local development)', () => {
  const dev = { APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true' }

  it('catches mails and lists them at /dev/mail with clickable links, opened from their sealed rows', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const email = uniqueEmail()
    const body = new URLSearchParams({ name: 'Dev', email, password: 'clave-segura', password_confirmation: 'clave-segura' })
    const signup = await requestWith(dev, '/signup', { method: 'POST', body })
    expect(signup.status).toBe(200)
    const mailbox = await requestWith(dev, '/dev/mail')
    expect(mailbox.status).toBe(200)
    const [row] = await rowsTo(email)
    // The mailbox lists other files' mails too (storage is shared): this mail's entry holds its link.
    const entry = mailbox.text.match(new RegExp(`<article id="mail-${row!.id}">[\\s\\S]*?</article>`))?.[0]
    expect(entry).toContain(email)
    expect(entry).toMatch(/<a href="http:\/\/localhost:8787\/email\/verify\/[A-Za-z0-9_-]{43}">/)
    expect(row!.textBody).toMatch(/^sealed:v1:/) // sealed in D1 with the development key, as production seals with SECRET_KEY
    const html = await requestWith(dev, `/dev/mail/${row!.id}/html`)
    expect(html.text).toContain('http://localhost:8787/email/verify/')
  })

  it('does not exist outside local development', async () => {
    expect((await requestWith({}, '/dev/mail')).status).toBe(404)
    // A production APP_URL takes production's password hashing too: fewer iterations are refused there (src/config).
    expect((await requestWith({ ...dev, APP_URL: 'https://cuentas.ecuabots.com', PASSWORD_ITERATIONS: undefined }, '/dev/mail')).status).toBe(404)
  })

  it('with no Postmark token in production, every mail is a loud error in the logs, not a silent drop', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const email = uniqueEmail('sin-token')
    const withoutMailToken = { ...env, APP_URL: PRODUCTION, POSTMARK_SERVER_TOKEN: undefined, PASSWORD_ITERATIONS: undefined }
    const laptop = new Browser(PRODUCTION, withoutMailToken)
    const phone = new Browser(PRODUCTION, withoutMailToken)
    const newPassword = 'otra-clave-segura-2'
    // Each step causes one kind of mail (src/mail/messages.ts has one function per kind).
    expect((await laptop.post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })).status).toBe(200) // email-verification
    const verification = (await rowsTo(email)).find((row) => row.kind === 'email-verification')!
    const opened = await openBodies(outboxKeyring(readConfig(withoutMailToken)), verification)
    const link = ('text' in opened ? opened.text : '').match(/https:\/\/cuentas\.ecuabots\.com(\/email\/verify\/\S+)/)![1]!
    expect((await laptop.post(link)).status).toBe(303)
    expect((await phone.post('/signup', { name: 'Otra', email, password: PASSWORD, password_confirmation: PASSWORD })).status).toBe(200) // account-exists
    expect((await phone.post('/password/forgot', { email })).status).toBe(200) // password-reset
    expect((await phone.post('/login/email', { email })).status).toBe(200) // login-link
    expect((await phone.post('/login', { email, password: PASSWORD })).status).toBe(303) // new-sign-in
    expect((await laptop.post('/profile', { name: 'Ana', password: newPassword, password_confirmation: newPassword })).status).toBe(303) // password-changed

    const kinds = ['email-verification', 'account-exists', 'password-reset', 'login-link', 'new-sign-in', 'password-changed']
    const rows = await rowsTo(email)
    expect(rows.map((row) => row.kind).sort()).toEqual([...kinds].sort())
    const lines = log.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"event":"mail.config_error"'))
    for (const kind of kinds) {
      const line = lines.find((text) => JSON.parse(text).tag === kind)
      expect(line, `no mail.config_error line for ${kind}`).toBeDefined()
      expect(JSON.parse(line!)).toMatchObject({ event: 'mail.config_error', tag: kind, message: 'POSTMARK_SERVER_TOKEN is not set: mail NOT sent' })
      expect(line).not.toContain(email)
    }
    // Not dropped either: every mail waits in the outbox for the token.
    for (const row of rows) expect(row.status, row.kind).toBe('pending')
  })
})

const PRODUCTION = 'https://cuentas.ecuabots.com'
