import { env } from 'cloudflare:test'
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type JSONWebKeySet, type JWK } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock } from '../src/clock'
import { Browser, ORIGIN, type Page, PASSWORD, sessionsOf, signedInUser, userRow } from './helpers'

// POST /api/token as an app sees it: a person signed in here, the app (a
// phone app, a backend elsewhere) asks for a token and checks it offline
// with the published keys — jose's own verification, running in workerd
// like the Worker that signed.

const [TEST_KEY] = JSON.parse(env.TOKEN_SIGNING_KEYS!) as [JWK & { kid: string; d: string }]

afterEach(() => vi.restoreAllMocks())

/** A backend forwarding the person's Cookie header: a JSON body, no Origin, no Sec-Fetch-Site. */
function askAsBackend(browser: Browser, body: unknown, headers: Record<string, string> = {}) {
  return browser.request('/api/token', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } })
}

async function keySet(bindings = env): Promise<JSONWebKeySet> {
  // Asked at APP_URL's host: in development no other host is answered.
  return JSON.parse((await new Browser(bindings.APP_URL ?? ORIGIN, bindings).get('/.well-known/jwks.json')).text)
}

function tokenIn(page: Page): { token: string; expiresAt: number } {
  expect(page.status).toBe(200)
  return JSON.parse(page.text)
}

async function verify(token: string, options: { audience?: string; keys?: JSONWebKeySet; issuer?: string; currentDate?: Date } = {}) {
  return jwtVerify(token, createLocalJWKSet(options.keys ?? (await keySet())), {
    issuer: options.issuer ?? ORIGIN,
    audience: options.audience ?? 'crm',
    algorithms: ['ES256'],
    currentDate: options.currentDate,
  })
}

describe('a signed-in person gets a token for a listed app', () => {
  it('from a page of this site (a form post) and from a backend forwarding the cookie (JSON), uncached', async () => {
    const { browser } = await signedInUser()
    for (const page of [await browser.post('/api/token', { aud: 'crm' }), await askAsBackend(browser, { aud: 'movil' })]) {
      expect(page.status).toBe(200)
      expect(page.headers.get('Content-Type')).toMatch(/^application\/json/)
      expect(page.headers.get('Cache-Control')).toBe('no-store')
      expect(Object.keys(JSON.parse(page.text)).sort()).toEqual(['expiresAt', 'token'])
    }
  })

  it('the token verifies with the published keys, and says who, which session, for whom and until when', async () => {
    const { browser, email } = await signedInUser()
    const now = Date.now()
    vi.spyOn(clock, 'now').mockReturnValue(now)
    const { token, expiresAt } = tokenIn(await askAsBackend(browser, { aud: 'crm' }))
    const { payload, protectedHeader } = await verify(token)
    const user = await userRow(email)
    const [session] = await sessionsOf(email)
    const issuedAt = Math.floor(now / 1000)
    expect(payload).toEqual({
      iss: ORIGIN,
      aud: 'crm',
      sub: user.id,
      sid: session!.id,
      jti: expect.stringMatching(/^[\w-]{32,}$/),
      iat: issuedAt,
      exp: issuedAt + 300,
      email,
      email_verified: true,
      amr: ['otp'], // signedInUser signs in by the confirmation link
    })
    expect(expiresAt).toBe(payload.exp! * 1000)
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: TEST_KEY.kid })
  })

  it('each token has its own jti', async () => {
    const { browser } = await signedInUser()
    const first = await verify(tokenIn(await askAsBackend(browser, { aud: 'crm' })).token)
    const second = await verify(tokenIn(await askAsBackend(browser, { aud: 'crm' })).token)
    expect(first.payload.jti).not.toBe(second.payload.jti)
  })

  it('is good for 5 minutes and refused by the app one second after', async () => {
    const { browser } = await signedInUser()
    const { token, expiresAt } = tokenIn(await askAsBackend(browser, { aud: 'crm' }))
    await expect(verify(token, { currentDate: new Date(expiresAt - 1000) })).resolves.toBeTruthy()
    await expect(verify(token, { currentDate: new Date(expiresAt + 1000) })).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
  })

  it('an app that checks for another audience or another issuer refuses it', async () => {
    const { browser } = await signedInUser()
    const { token } = tokenIn(await askAsBackend(browser, { aud: 'movil' }))
    await expect(verify(token, { audience: 'crm' })).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' })
    await expect(verify(token, { audience: 'movil', issuer: 'https://evil.example' })).rejects.toMatchObject({ claim: 'iss' })
  })
})

describe('what gets no token', () => {
  it('an audience that is not in TOKEN_AUDIENCES (or none, or a list for the JSON value): 400 with a JSON error', async () => {
    const { browser } = await signedInUser()
    for (const body of [{ aud: 'evil' }, { aud: 'CRM' }, { aud: 'crm, movil' }, { aud: ' crm' }, {}, { aud: ['crm'] }]) {
      const page = await askAsBackend(browser, body)
      expect(page.status).toBe(400)
      expect(JSON.parse(page.text)).toEqual({ error: 'aud must be one of TOKEN_AUDIENCES' })
      expect(page.text).not.toContain('eyJ')
    }
    expect((await browser.post('/api/token', { aud: 'otra-app' })).status).toBe(400)
  })

  it('nobody signed in: 401 with a JSON error, not a redirect to /login', async () => {
    const page = await askAsBackend(new Browser(), { aud: 'crm' })
    expect(page.status).toBe(401)
    expect(page.location).toBeNull()
    expect(JSON.parse(page.text)).toEqual({ error: 'not signed in' })
    expect(page.headers.get('Cache-Control')).toBe('no-store')
    expect((await new Browser().request('/api/token', { method: 'POST', body: '{"aud":"crm"}', headers: { 'Content-Type': 'application/json', Cookie: '__Host-session=forged' } })).status).toBe(401)
  })

  it('a session closed from another device, or signed out, gets 401 from then on', async () => {
    const { browser, email } = await signedInUser()
    const other = new Browser()
    expect((await other.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await askAsBackend(browser, { aud: 'crm' })).status).toBe(200)
    expect((await other.post('/profile/sessions/revoke-others')).status).toBe(303)
    expect((await askAsBackend(browser, { aud: 'crm' })).status).toBe(401)

    // A backend still holding the cookie of a session that signed out.
    const cookie = `__Host-session=${other.cookie('__Host-session')}`
    await other.post('/logout')
    expect((await askAsBackend(new Browser(), { aud: 'crm' }, { Cookie: cookie })).status).toBe(401)
  })

  it('a backend that posts a form instead of JSON: 403 from the CSRF check (a form without Origin could be any site\'s)', async () => {
    const { browser } = await signedInUser()
    const page = await browser.request('/api/token', { method: 'POST', body: new URLSearchParams({ aud: 'crm' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(page.status).toBe(403)
    expect(page.text).not.toContain('eyJ')
  })

  it('GET and HEAD never answer a token', async () => {
    const { browser } = await signedInUser()
    for (const method of ['GET', 'HEAD']) {
      const page = await browser.request('/api/token?aud=crm', { method })
      expect([404, 405]).toContain(page.status)
      expect(page.text).not.toContain('eyJ')
    }
  })

  it('another site cannot mint one with the person\'s cookie: a cross-site form, JSON from another origin, a sibling subdomain', async () => {
    const { browser } = await signedInUser()
    const evil = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }
    const sibling = { Origin: 'https://crm.ecuabots.test', 'Sec-Fetch-Site': 'same-site' }
    const attempts = [
      await browser.post('/api/token', { aud: 'crm' }, evil),
      await browser.post('/api/token', { aud: 'crm' }, { Origin: 'https://evil.example' }),
      await askAsBackend(browser, { aud: 'crm' }, evil),
      await askAsBackend(browser, { aud: 'crm' }, { Origin: 'https://evil.example' }),
      await askAsBackend(browser, { aud: 'crm' }, { 'Sec-Fetch-Site': 'cross-site' }),
      await askAsBackend(browser, { aud: 'crm' }, sibling),
      await askAsBackend(browser, { aud: 'crm' }, { Origin: 'null' }),
      // A proxy passing the attacker's Host through: the origin that counts is APP_URL's.
      await browser.request('https://evil.example/api/token', { method: 'POST', body: '{"aud":"crm"}', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' } }),
    ]
    for (const page of attempts) {
      expect(page.status).toBe(403)
      expect(page.text).not.toContain('eyJ')
    }
    // The same person, from this site's own page, still gets one.
    expect((await browser.post('/api/token', { aud: 'crm' }, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200)
  })
})

describe('the published keys (/.well-known/jwks.json)', () => {
  it('are public halves only, cacheable for 10 minutes, and carry the kid tokens name', async () => {
    const page = await new Browser().get('/.well-known/jwks.json')
    expect(page.status).toBe(200)
    expect(page.headers.get('Cache-Control')).toBe('public, max-age=600')
    expect(JSON.parse(page.text)).toEqual({ keys: [{ kty: 'EC', crv: 'P-256', x: TEST_KEY.x, y: TEST_KEY.y, kid: TEST_KEY.kid, alg: 'ES256', use: 'sig' }] })
    expect(page.text).not.toContain(TEST_KEY.d)
    expect(page.text).not.toContain('"d"')
  })

  it('during a rotation both keys are published, the first signs, and tokens signed before still verify', async () => {
    const { email, browser } = await signedInUser()
    const before = tokenIn(await askAsBackend(browser, { aud: 'crm' })).token
    const next = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)), kid: 'test-key-2' } as JWK & { d: string }
    const rotated = { ...env, TOKEN_SIGNING_KEYS: JSON.stringify([next, TEST_KEY]) }
    const keys = await keySet(rotated)
    expect(keys.keys.map((key) => key.kid)).toEqual(['test-key-2', TEST_KEY.kid])
    expect(JSON.stringify(keys)).not.toContain(next.d)
    expect(JSON.stringify(keys)).not.toContain(TEST_KEY.d)

    const app = new Browser(ORIGIN, rotated)
    expect((await app.post('/login', { email, password: PASSWORD })).status).toBe(303)
    const after = tokenIn(await askAsBackend(app, { aud: 'crm' })).token
    expect(decodeProtectedHeader(after).kid).toBe('test-key-2')
    await verify(after, { keys })
    await verify(before, { keys })
    // An app still holding the old key set refuses the new key's tokens: hence publishing it 15 minutes ahead.
    await expect(verify(after, { keys: await keySet() })).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' })
  })
})

describe('without TOKEN_SIGNING_KEYS', () => {
  it('POST /api/token answers 503 with a JSON error and a loud log line; the key set is empty', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const production = { ...env, TOKEN_SIGNING_KEYS: undefined }
    const { email } = await signedInUser()
    const browser = new Browser(ORIGIN, production)
    await browser.post('/login', { email, password: PASSWORD })
    const page = await askAsBackend(browser, { aud: 'crm' })
    expect(page.status).toBe(503)
    expect(JSON.parse(page.text).error).toMatch(/TOKEN_SIGNING_KEYS/)
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)))).toContainEqual(
      expect.objectContaining({ event: 'api_token.not_configured', problem: 'TOKEN_SIGNING_KEYS is not set' }),
    )
    expect(await keySet(production)).toEqual({ keys: [] })
  })

  it('a malformed list (not JSON, a public key only, a kid twice) signs nothing, publishes nothing and says why in the log', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { x, y, kid } = TEST_KEY
    for (const value of ['{not json', JSON.stringify([{ kty: 'EC', crv: 'P-256', x, y, kid }]), JSON.stringify([TEST_KEY, TEST_KEY]), '[]']) {
      const broken = { ...env, TOKEN_SIGNING_KEYS: value }
      expect((await askAsBackend(new Browser(ORIGIN, broken), { aud: 'crm' })).status).toBe(503)
      expect(await keySet(broken)).toEqual({ keys: [] })
    }
    const problems = errors.mock.calls.map(([line]) => JSON.parse(String(line)).problem)
    expect(problems).toContain('TOKEN_SIGNING_KEYS is not JSON')
    expect(problems).toContain('TOKEN_SIGNING_KEYS[0] is not a private EC P-256 JWK with a kid')
    expect(problems).toContain(`TOKEN_SIGNING_KEYS: kid "${kid}" appears twice`)
    expect(JSON.stringify(errors.mock.calls)).not.toContain(TEST_KEY.d)
  })

  it('with the dev mailbox on (npm run dev) the public development key signs, so an app can be tried locally', async () => {
    const local = { ...env, APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true', TOKEN_SIGNING_KEYS: undefined }
    const { email } = await signedInUser()
    const developer = new Browser('http://localhost:8787', local)
    expect((await developer.post('/login', { email, password: PASSWORD })).status).toBe(303)
    const { token } = tokenIn(await askAsBackend(developer, { aud: 'crm' }))
    const keys = await keySet(local)
    expect(keys.keys.map((key) => key.kid)).toEqual(['development-public-key'])
    expect((await verify(token, { keys, issuer: 'http://localhost:8787' })).payload.email).toBe(email)
  })
})
