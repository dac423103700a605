import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
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

const hardBounce = (email: string) => ({ RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Email: email, Inactive: true })

/** The profile as its owner sees it, with the webhook secret configured like production. */
async function profileText(browser: Browser) {
  const ctx = createExecutionContext()
  const response = await app.fetch(
    new Request('https://cuentas.ecuabots.test/profile', { headers: { Cookie: `session=${browser.cookie('session')}` } }),
    withSecret,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return visibleText(await response.text())
}

describe('Postmark bounce webhook', () => {
  it('a hard bounce marks the address, and the profile warns its owner', async () => {
    const { browser, email } = await signedInUser()
    expect(await profileText(browser)).not.toContain('están rebotando')
    expect(await postBounce(hardBounce(email), `postmark:${SECRET}`)).toBe(200)
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
    expect(await postBounce({ RecordType: 'Bounce', Type: 'SoftBounce', Email: email, Inactive: false }, `postmark:${SECRET}`)).toBe(200)
    expect(await profileText(browser)).not.toContain('están rebotando')
    expect(await postBounce('no es un rebote', `postmark:${SECRET}`)).toBe(400)
  })

  it('a mailed link used later proves the mailbox works again and clears the warning', async () => {
    const { browser, email } = await signedInUser()
    await postBounce(hardBounce(email), `postmark:${SECRET}`)
    await new Browser().post('/login/email', { email })
    const phone = new Browser()
    await phone.post(linkIn(lastMailTo(email, 'login-link'), '/login/email/'))
    expect(await profileText(browser)).not.toContain('están rebotando')
  })
})
