import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WEBHOOK_AUTH_FAILURES } from '../src/auth/limits'
import { ConfigError, readConfig } from '../src/config'
import { app, Browser, lastMailTo, linkIn, signedInUser, visibleText } from './helpers'

const SECRET = 'rebotes-secreto-0123456789-abcdefghij' // production's floor: 32 characters
const withSecret = { ...env, POSTMARK_WEBHOOK_SECRET: SECRET }

async function postBounce(body: unknown, credentials: string | null, bindings: typeof env = withSecret, ip = '203.0.113.7') {
  const headers = new Headers({ 'Content-Type': 'application/json', 'CF-Connecting-IP': ip })
  if (credentials) headers.set('Authorization', `Basic ${btoa(credentials)}`)
  const ctx = createExecutionContext()
  const response = await app.fetch(
    new Request('https://cuentas.ecuabots.test/webhooks/postmark/bounce', { method: 'POST', headers, body: JSON.stringify(body) }),
    bindings,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return response.status
}

afterEach(() => vi.restoreAllMocks())

const hardBounce = (email: string) => ({ RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Email: email, Inactive: true })

/**
 * The profile as its owner sees it, with the webhook secret configured like
 * production. Fails unless the profile itself answered (200): a redirect to
 * the login page has no warning either, and must not pass for "no warning".
 */
async function profileText(browser: Browser) {
  const ctx = createExecutionContext()
  const response = await app.fetch(
    new Request('https://cuentas.ecuabots.test/profile', { headers: { Cookie: `__Host-session=${browser.cookie('__Host-session')}` } }),
    withSecret,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  expect(response.status).toBe(200)
  const text = visibleText(await response.text())
  expect(text).toContain('Perfil del usuario')
  return text
}

describe('Postmark bounce webhook', () => {
  it('a hard bounce marks the address, and the profile warns its owner', async () => {
    const { browser, email } = await signedInUser()
    expect(await profileText(browser)).not.toContain('están rebotando')
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`)).toBe(200)
    expect(await profileText(browser)).toContain('Los correos a su dirección están rebotando')
  })

  // As Postmark sends them: a complaint is a record of its own; a soft bounce
  // that Postmark gave up on comes with Inactive: true.
  it.each([
    ['a spam complaint', { RecordType: 'SpamComplaint', Type: 'SpamComplaint', TypeCode: 512, Inactive: true, CanActivate: false }],
    ['a soft bounce after which Postmark deactivated the address', { RecordType: 'Bounce', Type: 'SoftBounce', TypeCode: 4096, Inactive: true, CanActivate: true }],
  ])('%s marks the address, and the profile warns its owner', async (_, record) => {
    const { browser, email } = await signedInUser()
    vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(await postBounce({ ...record, Email: email }, `postmark:${SECRET}`)).toBe(200)
    expect(await profileText(browser)).toContain('Los correos a su dirección están rebotando')
  })

  it('refuses wrong credentials (401) and does not exist without a configured secret (404)', async () => {
    const { browser, email } = await signedInUser()
    expect(await postBounce(hardBounce(email), `postmark:otra-cosa`)).toBe(401)
    expect(await postBounce(hardBounce(email), null)).toBe(401)
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`, env)).toBe(404)
    expect(await profileText(browser)).not.toContain('están rebotando')
  })

  it('a soft bounce is recorded in the logs only; garbage gets a 400', async () => {
    const { browser, email } = await signedInUser()
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    expect(await postBounce({ RecordType: 'Bounce', Type: 'SoftBounce', Email: email, Inactive: false }, `postmark:${SECRET}`)).toBe(200)
    const lines = log.mock.calls.map(([line]) => String(line)).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    expect(lines).toContainEqual(expect.objectContaining({ event: 'mail_bounce', outcome: 'ignored', type: 'SoftBounce' }))
    expect(await profileText(browser)).not.toContain('están rebotando')
    expect(await postBounce('no es un rebote', `postmark:${SECRET}`)).toBe(400)
  })

  it('a mailed link used later proves the mailbox works again and clears the warning', async () => {
    const { browser, email } = await signedInUser()
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`)).toBe(200)
    expect(await profileText(browser)).toContain('Los correos a su dirección están rebotando')
    expect((await new Browser().post('/login/email', { email })).status).toBe(200)
    const phone = new Browser()
    expect((await phone.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))).status).toBe(303)
    expect(await profileText(browser)).not.toContain('están rebotando')
  })

  it('a POSTMARK_WEBHOOK_SECRET shorter than 32 characters is a configuration error, like a short SECRET_KEY', () => {
    const production = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com' }
    expect(() => readConfig({ ...production, POSTMARK_WEBHOOK_SECRET: 'rebotes-secreto-123' })).toThrow(ConfigError)
    expect(() => readConfig({ ...production, POSTMARK_WEBHOOK_SECRET: 'x'.repeat(31) })).toThrow(/POSTMARK_WEBHOOK_SECRET must be at least 32 characters/)
    expect(readConfig({ ...production, POSTMARK_WEBHOOK_SECRET: SECRET }).postmarkWebhookSecret).toBe(SECRET)
  })

  it('guessing the secret from one IP gets 429 past the limit, even for the right secret; other IPs and Postmark are unaffected', async () => {
    const { browser, email } = await signedInUser()
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const guesser = `2001:db8:${crypto.randomUUID().slice(0, 4)}::1`
    for (let i = 0; i < WEBHOOK_AUTH_FAILURES.limit; i++) expect(await postBounce(hardBounce(email), `postmark:intento-${i}`, withSecret, guesser)).toBe(401)
    expect(await postBounce(hardBounce(email), 'postmark:otro-intento', withSecret, guesser)).toBe(429)
    // Right or wrong, past the limit the answer is the same: a right guess must not stand out.
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`, withSecret, guesser)).toBe(429)
    // Another address of the same IPv6 /64 is the same guesser.
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`, withSecret, guesser.replace(/::1$/, '::2'))).toBe(429)
    expect(await profileText(browser)).not.toContain('están rebotando')
    // Postmark, from its own address, still gets through; its right attempts never add up.
    for (let i = 0; i <= WEBHOOK_AUTH_FAILURES.limit; i++) expect(await postBounce({ RecordType: 'Bounce', Type: 'SoftBounce', Email: email }, `postmark:${SECRET}`)).toBe(200)
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`)).toBe(200)
    expect(await profileText(browser)).toContain('Los correos a su dirección están rebotando')
  })
})
