import { describe, expect, it } from 'vitest'
import { ipKey } from '../src/addresses/ip'
import { RATE_LIMITED_FORMS } from '../src/middleware/rate-limit'
import { Browser, visibleText, type Page } from './helpers'

// The Workers Rate Limiting binding in miniflare (wrangler.toml: 30 per 60 s
// on the forms) counts in windows aligned to the
// wall clock, and its storage is per test file. Every test below counts from
// its own random /64, and redoes its burst from a fresh one if a minute
// boundary fell inside it. The POSTs fail early (422, 400, or 303 to /login)
// so no password is hashed: they still pass through the limiter.

const FORMS = [
  '/login',
  '/login/email',
  '/login/email/:token',
  '/login/code',
  '/signup',
  '/signup/resend',
  '/password/forgot',
  '/password/reset',
  '/email/verify/:token',
  '/profile',
  '/profile/reauth',
  '/profile/sessions/:id/revoke',
  '/profile/sessions/revoke-others',
  '/login/passkey/options',
  '/login/passkey',
  '/profile/passkeys/options',
  '/profile/passkeys',
  '/profile/passkeys/:id/rename',
  '/profile/passkeys/:id/delete',
  '/login/two-step',
  '/security/two-step/setup',
  '/security/two-step/confirm',
  '/security/two-step/off',
  '/security/two-step/codes',
  '/security/data',
  '/security/delete',
  '/api/token',
  '/profile/email',
  '/email/change/:token',
  '/email/undo/:token',
  '/security/email-changes/:id/cancel',
]
const FORM_LIMIT = 30
const TOO_FAST = 'Demasiadas solicitudes desde su conexión'

const hex4 = () => crypto.randomUUID().slice(0, 4)
/** A fresh /64 of the documentation range, as "2001:db8:xxxx:xxxx". */
const freshPrefix = () => `2001:db8:${hex4()}:${hex4()}`
const randomToken = () => crypto.randomUUID().replaceAll('-', '') + hex4()

/** A concrete path for a route pattern: each `:param` a new random value. */
const pathFor = (pattern: string) => pattern.replace(/:\w+/g, () => randomToken())

function post(path: string, ip: string) {
  return new Browser().post(path, {}, { 'CF-Connecting-IP': ip })
}

/** Sends `count` requests, ten at a time; statuses in order of sending. */
async function burst(count: number, send: (i: number) => Promise<Page>): Promise<Page[]> {
  const pages: Page[] = []
  for (let start = 0; start < count; start += 10) {
    const chunk = Array.from({ length: Math.min(10, count - start) }, (_, i) => send(start + i))
    pages.push(...(await Promise.all(chunk)))
  }
  return pages
}

/** Runs `attempt` (which must count from a fresh /64) until it fits in one rate-limit window. */
async function inOneWindow<T>(attempt: (prefix: string) => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    const window = Math.floor(Date.now() / 60_000)
    const result = await attempt(freshPrefix())
    if (Math.floor(Date.now() / 60_000) === window || tries === 2) return result
  }
}

function expectThrottled(page: Page) {
  expect(page.status).toBe(429)
  expect(page.headers.get('Retry-After')).toBe('60')
  expect(visibleText(page.text)).toContain(TOO_FAST)
}

describe('per-IP limits on the forms', () => {
  it('the forms listed here are exactly the ones the app puts under the per-IP limit (src/middleware/rate-limit.tsx)', () => {
    expect([...RATE_LIMITED_FORMS].sort()).toEqual([...FORMS].sort())
  })

  for (const pattern of FORMS) {
    it(`POST ${pattern}: the ${FORM_LIMIT + 1}st POST in a minute from one IP gets 429, Retry-After and the Spanish message`, async () => {
      const { allowed, refused } = await inOneWindow(async (prefix) => {
        const ip = `${prefix}::1`
        const allowed = await burst(FORM_LIMIT, () => post(pathFor(pattern), ip))
        return { allowed, refused: await post(pathFor(pattern), ip) }
      })
      expect(allowed.map((page) => page.status)).not.toContain(429)
      expectThrottled(refused)
    })
  }

  // The inline check is as cheap as a GET page (no D1, no mail, no hash; test/query-budget.test.ts
  // shows it touches no database) and, like a GET page, goes through no per-IP limiter: a person
  // typing fast is never told to slow down, and the body limit bounds each request's work.
  it('the inline password check is judged every time, 121 in a minute from one IP, past the 120 its old limiter allowed', async () => {
    const ip = `${freshPrefix()}::1`
    const pages = await burst(121, () => new Browser().post('/validate/password', { password: 'corta', password_confirmation: '' }, { 'CF-Connecting-IP': ip }))
    expect(pages.map((page) => page.status)).toEqual(Array(121).fill(200))
    for (const page of pages) expect(visibleText(page.text)).toContain('al menos 6 caracteres')
  })

  it('made-up tokens share one counter: POST /login/email/<random> from one IP is refused after 30', async () => {
    const pages = await inOneWindow((prefix) => burst(FORM_LIMIT + 1, () => post(`/login/email/${randomToken()}`, `${prefix}::7`)))
    expect(pages.slice(0, FORM_LIMIT).map((page) => page.status)).toEqual(Array(FORM_LIMIT).fill(400))
    expectThrottled(pages.at(-1)!)
  })

  it('addresses in one IPv6 /64 share a counter; another /64, and another form, do not', async () => {
    const { refused, otherNetwork, otherForm } = await inOneWindow(async (prefix) => {
      // A host rotating through its /64, written every way IPv6 allows.
      const spellings = [`${prefix}::1`, `${prefix}:abcd:ef01:2345:6789`, `${prefix.toUpperCase()}:0:0:0:ff`, `[${prefix}::2]`, `${prefix}::3%eth0`]
      await burst(FORM_LIMIT, (i) => post('/login/email', spellings[i % spellings.length]!))
      return {
        refused: await post('/login/email', `${prefix}:ffff:ffff:ffff:ffff`),
        otherNetwork: await post('/login/email', `${freshPrefix()}::1`),
        otherForm: await post('/signup', `${prefix}::1`),
      }
    })
    expectThrottled(refused)
    expect(otherNetwork.status).toBe(422)
    expect(otherForm.status).toBe(422)
  })

  it('an IPv4 address is its own key', async () => {
    const { refused, neighbour } = await inOneWindow(async () => {
      // TEST-NET-1: test/owner-lockout.test.ts draws its shared IPs from 203.0.113.0/24, and a runtime's limiter is shared by its files.
      const ip = `192.0.2.${Math.floor(Math.random() * 254) + 1}`
      await burst(FORM_LIMIT, () => post('/password/forgot', ip))
      return { refused: await post('/password/forgot', ip), neighbour: await post('/password/forgot', `198.51.100.${Math.floor(Math.random() * 254) + 1}`) }
    })
    expectThrottled(refused)
    expect(neighbour.status).toBe(422)
  })
})

describe('ipKey: what a per-IP limit counts under', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['[2001:db8:a:b::1]', '2001:db8:a:b::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:c000:0280', '192.0.2.128'],
    ['0:0:0:0:0:ffff:203.0.113.9', '203.0.113.9'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('%s → %s', (ip, key) => {
    expect(ipKey(ip)).toBe(key)
  })

  it.each([undefined, null, '', 'unknown', 'not-an-ip', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1::2::3', '12345::1', '1:2:3:4:5:6:7:8:9', ':1:2::', 'g::1', '::ffff:1.2.3.999', '1.2.3.4::'])(
    '%s → unknown',
    (ip) => {
      expect(ipKey(ip)).toBe('unknown')
    },
  )
})
