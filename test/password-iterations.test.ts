import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { needsRehash, PASSWORD_ITERATIONS, PBKDF2_MAX_ITERATIONS, verifyPassword } from '../src/auth/passwords'
import { ConfigError, readConfig } from '../src/config'
import { users } from '../src/db/schema'
import { Browser, countPbkdf2, db, lastMailTo, linkIn, ORIGIN, PASSWORD, productionHashingEnv, uniqueEmail } from './helpers'

// The suite hashes new passwords at 1,000 iterations (test/vitest.config.ts),
// as Django's test settings use a fast hasher. What keeps that out of
// production is held here: the deployed default, what may lower it, the cap.

const [wranglerToml] = Object.values(import.meta.glob<string>('../wrangler.toml', { query: '?raw', import: 'default', eager: true }))

afterEach(() => vi.restoreAllMocks())

describe('password hashing as deployed', () => {
  it('every deployment hashes at 100,000 iterations: wrangler.toml sets no PASSWORD_ITERATIONS and the default is the cap', () => {
    expect(PASSWORD_ITERATIONS).toBe(100_000)
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000)
    expect(wranglerToml).toBeDefined()
    expect(wranglerToml).not.toContain('PASSWORD_ITERATIONS')
    expect(readConfig({ DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com' }).passwords.iterations).toBe(100_000)
  })

  it('a sign-up stores a 100,000-iteration hash, and a wrong password and an unknown address each cost one 100,000-iteration derivation', { timeout: 30_000 }, async () => {
    const email = uniqueEmail('iteraciones')
    const browser = new Browser(ORIGIN, productionHashingEnv)
    await browser.post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect((await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).status).toBe(303)
    const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, email))
    expect(row!.hash.split('$')[1]).toBe('100000')

    const derivations = countPbkdf2()
    expect((await new Browser(ORIGIN, productionHashingEnv).post('/login', { email, password: 'no-es-esta-1' })).status).toBe(401)
    expect(derivations.splice(0)).toEqual([100_000])
    expect((await new Browser(ORIGIN, productionHashingEnv).post('/login', { email: uniqueEmail('nadie'), password: 'no-es-esta-1' })).status).toBe(401)
    expect(derivations).toEqual([100_000])
  })

  it('fewer iterations are refused unless APP_URL is this machine or under .test; more than 100,000 are refused everywhere', () => {
    const production = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com' }
    expect(() => readConfig({ ...production, PASSWORD_ITERATIONS: '1000' })).toThrow(ConfigError)
    expect(() => readConfig({ ...production, PASSWORD_ITERATIONS: '1000' })).toThrow(/PASSWORD_ITERATIONS/)
    for (const local of ['http://localhost:8787', 'https://cuentas.ecuabots.test']) {
      expect(readConfig({ DB: env.DB, APP_URL: local, PASSWORD_ITERATIONS: '1000' }).passwords.iterations, local).toBe(1000)
    }
    for (const appUrl of [production.APP_URL, 'http://localhost:8787']) {
      for (const bad of ['100001', '600000', '0', '-5', '1.5', 'muchas']) {
        expect(() => readConfig({ DB: env.DB, APP_URL: appUrl, PASSWORD_ITERATIONS: bad }), `${appUrl} ${bad}`).toThrow(/PASSWORD_ITERATIONS/)
      }
    }
  })

  it('a stored hash asking for more than 100,000 iterations is refused before any derivation (production Workers would throw)', async () => {
    const tooMany = 'pbkdf2-sha256$100001$0$4v2Xk8Rb3tM0pWq9ZsY1Lg$8sVfJ1m4x8qQnq0Hj2nZrW1Yt5bqkQ9o3h7c0sV6uAQ'
    const derivations = countPbkdf2()
    expect(await verifyPassword('lo-que-sea', tooMany, null)).toBe(false)
    expect(derivations).toEqual([])
    expect(needsRehash(tooMany, { pepper: null, iterations: PASSWORD_ITERATIONS })).toBe(true)
  })
})
