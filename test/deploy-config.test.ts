import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from '../src/config'
import { APPS_PORTS, appsArgs, crmArgs, devArgs, devRegistryEnv } from '../scripts/dev-commands.mjs'
import packageJson from '../package.json'

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

describe('npm run dev and the Apps pair (scripts/dev.mjs runs what scripts/dev-commands.mjs gives)', () => {
  const varOf = (args: string[], name: string) => args.filter((arg, i) => args[i - 1] === '--var' && arg.startsWith(`${name}:`)).map((arg) => arg.slice(name.length + 1))
  const portOf = (args: string[]) => args[args.indexOf('--port') + 1]

  it('`npm run dev -- --port 8821`: mailed links and passkeys (APP_URL) follow the port; without one, 8787', () => {
    // `npm run dev -- …` appends to the script's last command: the wrapper must be it.
    expect(packageJson.scripts.dev).toMatch(/&& node scripts\/dev\.mjs$/)
    for (const args of [['--port', '8821'], ['--port=8821']]) {
      const dev = devArgs(args)
      expect(varOf(dev, 'APP_URL')).toEqual(['http://localhost:8821'])
      expect(varOf(dev, 'DEV_MAILBOX')).toEqual(['true'])
    }
    expect(portOf(devArgs([]))).toBe('8787')
    expect(varOf(devArgs([]), 'APP_URL')).toEqual(['http://localhost:8787'])
    // One's own APP_URL (another host name) is kept, not doubled.
    expect(varOf(devArgs(['--port', '8821', '--var', 'APP_URL:http://mi-pc.local:8821']), 'APP_URL')).toEqual(['http://mi-pc.local:8821'])
    expect(() => devArgs(['--port', 'ochenta'])).toThrow(/not a port/)
  })

  it('dev:apps and dev:crm take their ports from one place, each told the other’s address', () => {
    expect(packageJson.scripts['dev:apps']).toMatch(/&& node scripts\/dev\.mjs apps$/)
    expect(packageJson.scripts['dev:crm']).toBe('node scripts/dev.mjs crm')
    const accounts = appsArgs(APPS_PORTS)
    const crm = crmArgs(APPS_PORTS)
    expect(portOf(accounts)).toBe(String(APPS_PORTS.accounts))
    expect(portOf(crm)).toBe(String(APPS_PORTS.crm))
    expect(varOf(accounts, 'APP_URL')).toEqual([`http://cuentas.ecuabots.localhost:${APPS_PORTS.accounts}`])
    expect(varOf(accounts, 'RETURN_ORIGINS')).toEqual([`http://crm.ecuabots.localhost:${APPS_PORTS.crm}`])
    expect(varOf(crm, 'ACCOUNTS_URL')).toEqual(varOf(accounts, 'APP_URL'))
    // Other ports (the browser tests' free ones) move every address with them.
    const moved = { accounts: 9101, crm: 9102 }
    expect(varOf(crmArgs(moved), 'ACCOUNTS_URL')).toEqual(['http://cuentas.ecuabots.localhost:9101'])
    expect(varOf(appsArgs(moved), 'RETURN_ORIGINS')).toEqual(['http://crm.ecuabots.localhost:9102'])
  })

  it("examples/crm binds this copy's accounts Worker: every dev script uses a dev registry inside the project, unless one is set", () => {
    const env = devRegistryEnv('/home/ana/ecuabots', { HOME: '/home/ana', CLOUDFLARE_DEV_REGISTRY_PATH: '/home/ana/.config/shared' })
    expect(env.WRANGLER_REGISTRY_PATH).toBe('/home/ana/ecuabots/.wrangler/registry')
    expect(env.CLOUDFLARE_DEV_REGISTRY_PATH).toBeUndefined() // miniflare would prefer it to wrangler's
    expect(devRegistryEnv('/home/ana/ecuabots', { WRANGLER_REGISTRY_PATH: '/tmp/mine' }).WRANGLER_REGISTRY_PATH).toBe('/tmp/mine')
    for (const script of ['dev', 'dev:apps', 'dev:crm'] as const) expect(packageJson.scripts[script]).toMatch(/node scripts\/dev\.mjs/)
  })
})
