import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError, readConfig } from '../src/config'
import { createApp } from '../src/index'
import { Browser, lastMailTo, postmark, signedInUser, uniqueEmail, visibleText } from './helpers'

afterEach(() => vi.restoreAllMocks())

describe('mail through Postmark', () => {
  it('sends with the server token header, the stream, a tag and both Spanish bodies', async () => {
    const { email } = await signedInUser({ name: 'Ana Pérez' })
    await new Browser().post('/password/forgot', { email })
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
    expect(log.mock.calls.some((call) => String(call[0]).includes('"event":"mail.failed"'))).toBe(true)
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
})

/** Runs one request against the app with other vars, as `wrangler dev --var` would set them. */
async function requestWith(vars: Record<string, string | undefined>, path: string, init?: RequestInit) {
  const ctx = createExecutionContext()
  const app = createApp()
  const headers = new Headers(init?.headers)
  if (init?.method === 'POST') headers.set('Origin', 'http://localhost:8787')
  const response = await app.fetch(new Request(`http://localhost:8787${path}`, { ...init, headers }), { ...env, ...vars }, ctx)
  await waitOnExecutionContext(ctx)
  return { status: response.status, text: await response.text() }
}

describe('dev mailbox (local development)', () => {
  const dev = { APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true' }

  it('catches mails and lists them at /dev/mail with clickable links', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const email = uniqueEmail()
    const body = new URLSearchParams({ name: 'Dev', email, password: 'clave-segura', password_confirmation: 'clave-segura' })
    const signup = await requestWith(dev, '/signup', { method: 'POST', body })
    expect(signup.status).toBe(200)
    const mailbox = await requestWith(dev, '/dev/mail')
    expect(mailbox.status).toBe(200)
    expect(mailbox.text).toContain(email)
    expect(mailbox.text).toMatch(/<a href="http:\/\/localhost:8787\/email\/verify\/[A-Za-z0-9_-]{43}">/)
  })

  it('does not exist outside local development', async () => {
    expect((await requestWith({}, '/dev/mail')).status).toBe(404)
    expect((await requestWith({ ...dev, APP_URL: 'https://cuentas.ecuabots.com' }, '/dev/mail')).status).toBe(404)
  })

  it('with no Postmark token in production, every mail is a loud error in the logs, not a silent drop', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const body = new URLSearchParams({ email: uniqueEmail() })
    await requestWith({ APP_URL: 'https://cuentas.ecuabots.com', POSTMARK_SERVER_TOKEN: undefined }, '/password/forgot', { method: 'POST', body })
    const signup = new URLSearchParams({ name: 'X', email: uniqueEmail(), password: 'clave-segura', password_confirmation: 'clave-segura' })
    await requestWith({ APP_URL: 'https://cuentas.ecuabots.com', POSTMARK_SERVER_TOKEN: undefined }, '/signup', { method: 'POST', body: signup })
    expect(log.mock.calls.some((call) => String(call[0]).includes('"event":"mail.not_configured"'))).toBe(true)
  })
})
