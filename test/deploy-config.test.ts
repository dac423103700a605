import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from '../src/config'

// Settings that would quietly weaken every account are refused when the
// Worker reads its configuration (the first request fails loudly) rather
// than deployed.

describe('COOKIE_DOMAIN', () => {
  it('a shared hosting suffix such as workers.dev is refused, however it is written: every tenant would receive the session', () => {
    const onWorkersDev = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.workers.dev' }
    for (const domain of ['workers.dev', '.workers.dev', 'Workers.Dev']) {
      expect(() => readConfig({ ...onWorkersDev, COOKIE_DOMAIN: domain }), domain).toThrow(ConfigError)
      expect(() => readConfig({ ...onWorkersDev, COOKIE_DOMAIN: domain }), domain).toThrow(/COOKIE_DOMAIN/)
    }
    // The account's own subdomain of it is one owner's, and APP_URL's parent: accepted.
    expect(readConfig({ ...onWorkersDev, COOKIE_DOMAIN: 'ecuabots.workers.dev' }).cookieDomain).toBe('ecuabots.workers.dev')
  })
})

describe('AFTER_RESPONSE_SETTLE_MS', () => {
  it('work after a response waits 100 ms unless set; a value that is not 0–1000 whole milliseconds is refused', () => {
    const base = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com' }
    expect(readConfig(base).afterResponseSettleMs).toBe(100)
    expect(readConfig({ ...base, AFTER_RESPONSE_SETTLE_MS: '0' }).afterResponseSettleMs).toBe(0)
    for (const bad of ['-1', '1.5', 'soon', '5000']) expect(() => readConfig({ ...base, AFTER_RESPONSE_SETTLE_MS: bad }), bad).toThrow(/AFTER_RESPONSE_SETTLE_MS/)
  })
})

describe('WEBAUTHN_ORIGINS', () => {
  const base = { DB: env.DB, APP_URL: 'https://cuentas.ecuabots.com', RP_ID: 'ecuabots.com' }

  it('an origin outside RP_ID is refused, including look-alikes that only end or start with it', () => {
    for (const origin of ['https://evil.example', 'https://ecuabots.com.evil.example', 'https://notecuabots.com', 'https://cuentas.ecuabots.com, https://evil.example']) {
      expect(() => readConfig({ ...base, WEBAUTHN_ORIGINS: origin }), origin).toThrow(/WEBAUTHN_ORIGINS/)
    }
  })

  it('RP_ID itself and its subdomains are accepted', () => {
    const config = readConfig({ ...base, WEBAUTHN_ORIGINS: 'https://ecuabots.com, https://cuentas.ecuabots.com, https://crm.ecuabots.com' })
    expect(config.webauthn).toEqual({ rpId: 'ecuabots.com', origins: ['https://ecuabots.com', 'https://cuentas.ecuabots.com', 'https://crm.ecuabots.com'] })
  })
})
