import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { app, Browser, lastMailTo, linkIn, signedInUser, visibleText } from './helpers'

const SECRET = 'rebotes-secreto-123'
const withSecret = { ...env, POSTMARK_WEBHOOK_SECRET: SECRET }

async function postBounce(body: unknown, credentials: string | null, bindings: typeof env = withSecret) {
  const headers = new Headers({ 'Content-Type': 'application/json' })
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
})
