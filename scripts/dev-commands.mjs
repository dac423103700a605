// @ts-check
// What `npm run dev`, `npm run dev:apps` and `npm run dev:crm` hand to
// `wrangler dev` (scripts/dev.mjs runs them): plain functions of the
// arguments, so the browser tests start the Apps pair from the same place
// and test/deploy-config.test.ts checks them without starting anything.

/** `npm run dev` without `--port`: wrangler's own default. */
export const DEFAULT_PORT = 8787

/** Local development: the outbox shown at /dev/mail instead of sent, and the crons callable at /__scheduled. */
export const DEV_OPTIONS = ['--test-scheduled', '--var', 'DEV_MAILBOX:true']

/**
 * The Apps pair's ports — the only place they are written: `dev:apps` serves
 * the accounts Worker on the first, `dev:crm` the example CRM on the second,
 * and each is told the other's address from here.
 */
export const APPS_PORTS = { accounts: 8787, crm: 8788 }

/**
 * wrangler's local dev registry, where `wrangler dev` sessions find each
 * other's Workers (examples/crm binds `ecuabots-cuentas` through it). By
 * default it is one per user, so a second clone's accounts Worker on the
 * same machine would answer this clone's CRM: each clone keeps its own,
 * inside the project (.wrangler/ is ignored by git). wrangler reads
 * WRANGLER_REGISTRY_PATH (miniflare's CLOUDFLARE_DEV_REGISTRY_PATH, which
 * would win over it, is cleared for the same reason). One already set is kept.
 * @param {string} root the project's folder
 * @param {Record<string, string | undefined>} env
 */
export function devRegistryEnv(root, env) {
  return { ...env, WRANGLER_REGISTRY_PATH: env.WRANGLER_REGISTRY_PATH || `${root}/.wrangler/registry`, CLOUDFLARE_DEV_REGISTRY_PATH: undefined }
}

/**
 * `npm run dev -- [wrangler dev options]`: the dev mailbox on, and APP_URL
 * (every mailed link, passkeys' origin) following `--port`, unless a
 * `--var APP_URL:…` of one's own is given.
 * @param {string[]} args what followed `npm run dev --`
 * @returns {string[]} the arguments of `wrangler dev`
 */
export function devArgs(args) {
  const port = portIn(args) ?? DEFAULT_PORT
  const ownAppUrl = args.some((arg, i) => /^(--var=)?APP_URL:/.test(arg) && (arg.startsWith('--var=') || args.slice(0, i).includes('--var')))
  return [
    'dev',
    ...DEV_OPTIONS,
    ...(portIn(args) === null ? ['--port', String(port)] : []),
    ...(ownAppUrl ? [] : ['--var', `APP_URL:${localUrl('localhost', port)}`]),
    ...args,
  ]
}

/**
 * The Apps pair's addresses: two subdomains of ecuabots.localhost (which
 * always resolves to this machine), each on its port. A Domain cookie is not
 * bound to a port, so two ports play two subdomains.
 * @param {{ accounts: number, crm: number }} ports
 */
export function appsUrls(ports) {
  return { accounts: localUrl('cuentas.ecuabots.localhost', ports.accounts), crm: localUrl('crm.ecuabots.localhost', ports.crm) }
}

/**
 * The accounts Worker as production runs it for apps — on its own
 * subdomain, the session cookie shared with COOKIE_DOMAIN, the CRM's origin
 * allowed as a place to return to: `npm run dev:apps` (with DEV_OPTIONS)
 * and the browser tests (with mail sent to their Postmark stand-in).
 * @param {{ accounts: number, crm: number }} ports
 * @param {string[]} [args] more `wrangler dev` options
 */
export function appsArgs(ports, args = []) {
  const urls = appsUrls(ports)
  return [
    'dev',
    '--port',
    String(ports.accounts),
    '--var',
    `APP_URL:${urls.accounts}`,
    '--var',
    'COOKIE_DOMAIN:ecuabots.localhost',
    '--var',
    `RETURN_ORIGINS:${urls.crm}`,
    ...args,
  ]
}

/**
 * examples/crm (`npm run dev:crm`, and the browser tests), sending people
 * to sign in at the accounts Worker that appsArgs serves.
 * @param {{ accounts: number, crm: number }} ports
 * @param {string[]} [args] more `wrangler dev` options
 */
export function crmArgs(ports, args = []) {
  return ['dev', '--config', 'examples/crm/wrangler.toml', '--port', String(ports.crm), '--var', `ACCOUNTS_URL:${appsUrls(ports).accounts}`, ...args]
}

/**
 * The port given as `--port N` or `--port=N`, or null.
 * @param {string[]} args
 */
function portIn(args) {
  for (let i = 0; i < args.length; i++) {
    const value = args[i] === '--port' ? args[i + 1] : args[i]?.startsWith('--port=') ? args[i].slice('--port='.length) : undefined
    if (value !== undefined) {
      const port = Number(value)
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port ${value}: not a port (1–65535)`)
      return port
    }
  }
  return null
}

/**
 * @param {string} host
 * @param {number} port
 */
function localUrl(host, port) {
  return `http://${host}:${port}`
}
