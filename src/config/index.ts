import type { SecretKeys } from '../crypto/keys'
import type { Bindings } from './bindings'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { PASSWORD_ITERATIONS, PBKDF2_MAX_ITERATIONS } from '../crypto/pbkdf2'

export type Config = {
  appUrl: URL
  appName: string
  emailFrom: string
  postmark: { serverToken: string; messageStream: string; apiUrl: URL | null } | null
  /** How new password hashes are made: PASSWORD_PEPPER, and PASSWORD_ITERATIONS (see parsePasswordIterations). */
  passwords: { pepper: string | null; iterations: number }
  devMailbox: boolean
  securityContact: string
  /** SUPPORT_EMAIL: the Reply-To of every mail, and named wherever the copy says to write to support. */
  supportEmail: string
  /** COOKIE_DOMAIN: the session cookie's Domain (then `__Secure-session`); null keeps it host-only (`__Host-session`). */
  cookieDomain: string | null
  /** RETURN_ORIGINS: exact origins `next` may point at, besides this site's own pages. */
  returnOrigins: readonly string[]
  postmarkWebhookSecret: string | null
  /** SECRET_KEY and SECRET_KEY_PREVIOUS (see src/crypto/keys.ts); `current` is null only when SECRET_KEY is missing outside local development. */
  secretKeys: SecretKeys
  /** Passkeys: the RP ID and the origins a WebAuthn response may come from (never the request's Host). */
  webauthn: { rpId: string; origins: string[] }
  /** AFTER_RESPONSE_SETTLE_MS: how long after its body is taken the work after a response waits (src/http/after-response.ts); 100 unless set. */
  afterResponseSettleMs: number
}

export class ConfigError extends Error {}

const cache = new WeakMap<Bindings, Config>()

/**
 * Reads and checks vars and secrets once per isolate (the env object is
 * stable across requests), so a misconfiguration fails loudly on the first
 * request instead of producing broken links in mails.
 */
export function readConfig(env: Bindings): Config {
  let config = cache.get(env)
  if (!config) {
    config = parseConfig(env)
    cache.set(env, config)
  }
  return config
}

function parseConfig(env: Bindings): Config {
  const appUrl = parseUrl('APP_URL', env.APP_URL)
  if (!appUrl) throw new ConfigError('APP_URL is required: links in mails are built only from it')
  const apiUrl = parseUrl('POSTMARK_API_URL', env.POSTMARK_API_URL)
  const token = env.POSTMARK_SERVER_TOKEN?.trim()
  // The dev mailbox shows every mail, links included, to anyone who can
  // open /dev/mail. It needs both the explicit flag (set by `npm run dev`)
  // and an APP_URL on this machine, so no production setting can turn it on.
  const devMailbox = !token && env.DEV_MAILBOX === 'true' && isLocalhost(appUrl)
  return {
    appUrl,
    appName: env.APP_NAME?.trim() || 'Ecuabots',
    emailFrom: env.EMAIL_FROM?.trim() || 'Ecuabots <no-responder@ecuabots.com>',
    postmark: token
      ? { serverToken: token, messageStream: env.POSTMARK_MESSAGE_STREAM?.trim() || 'outbound', apiUrl }
      : null,
    passwords: { pepper: env.PASSWORD_PEPPER || null, iterations: parsePasswordIterations(env.PASSWORD_ITERATIONS, appUrl) },
    securityContact: env.SECURITY_CONTACT?.trim() || 'mailto:seguridad@ecuabots.com',
    supportEmail: parseSupportEmail(env.SUPPORT_EMAIL),
    cookieDomain: parseCookieDomain(env.COOKIE_DOMAIN, appUrl),
    returnOrigins: parseReturnOrigins(env.RETURN_ORIGINS),
    postmarkWebhookSecret: parseSecretKey('POSTMARK_WEBHOOK_SECRET', env.POSTMARK_WEBHOOK_SECRET),
    webauthn: parseRelyingParty(env, appUrl),
    devMailbox,
    afterResponseSettleMs: parseSettleMs(env.AFTER_RESPONSE_SETTLE_MS),
    secretKeys: {
      current: parseSecretKey('SECRET_KEY', env.SECRET_KEY) ?? (devMailbox ? DEVELOPMENT_SECRET_KEY : null),
      previous: parseSecretKey('SECRET_KEY_PREVIOUS', env.SECRET_KEY_PREVIOUS),
    },
  }
}

/**
 * PBKDF2 iterations for new password hashes: PASSWORD_ITERATIONS (100,000)
 * unless set. Fewer only where no real password lives — an APP_URL on this
 * machine or under the reserved .test domain (the test suite hashes with
 * fewer, as Django's test settings use a fast hasher); never more than the
 * platform's cap. Stored hashes carry their own count, so they keep
 * verifying, and a production sign-in rehashes any at another count.
 */
function parsePasswordIterations(value: string | undefined, appUrl: URL): number {
  if (!value?.trim()) return PASSWORD_ITERATIONS
  const iterations = Number(value)
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) {
    throw new ConfigError(`PASSWORD_ITERATIONS must be a whole number from 1 to ${PBKDF2_MAX_ITERATIONS}, got ${JSON.stringify(value)}`)
  }
  const local = isLocalhost(appUrl) || appUrl.hostname.endsWith('.test')
  if (iterations < PASSWORD_ITERATIONS && !local) {
    throw new ConfigError(`PASSWORD_ITERATIONS below ${PASSWORD_ITERATIONS} is for tests and local development only (APP_URL on localhost or *.test)`)
  }
  return iterations
}

function parseSettleMs(value: string | undefined): number {
  if (!value?.trim()) return 100
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms < 0 || ms > 1000) throw new ConfigError(`AFTER_RESPONSE_SETTLE_MS must be a whole number of milliseconds from 0 to 1000, got ${JSON.stringify(value)}`)
  return ms
}

function parseSupportEmail(value: string | undefined): string {
  if (!value?.trim()) return 'soporte@ecuabots.com'
  const email = normalizeEmail(value)
  if (checkEmail(email)) throw new ConfigError(`SUPPORT_EMAIL must be a plain address (nombre@dominio), got ${JSON.stringify(value)}`)
  return email
}

/**
 * COOKIE_DOMAIN shares the session with first-party subdomains. It must be
 * APP_URL's host or a parent of it (a browser would refuse the cookie
 * otherwise), and never a shared hosting suffix: every tenant of
 * `workers.dev` would receive the session.
 */
const SHARED_SUFFIXES = ['workers.dev', 'pages.dev', 'github.io', 'vercel.app', 'netlify.app', 'herokuapp.com', 'appspot.com', 'localhost']

function parseCookieDomain(value: string | undefined, appUrl: URL): string | null {
  const domain = value?.trim().toLowerCase().replace(/^\./, '')
  if (!domain) return null
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || SHARED_SUFFIXES.includes(domain)) {
    throw new ConfigError(`COOKIE_DOMAIN must be a registrable domain of yours (e.g. ecuabots.com), got ${JSON.stringify(value)}`)
  }
  if (appUrl.hostname !== domain && !appUrl.hostname.endsWith(`.${domain}`)) {
    throw new ConfigError(`COOKIE_DOMAIN ${domain} must be APP_URL's host (${appUrl.hostname}) or a parent of it`)
  }
  return domain
}

/** Each an exact origin (scheme, host, port), no paths, no wildcards. */
function parseReturnOrigins(value: string | undefined): string[] {
  const listed = value?.split(',').map((origin) => origin.trim()).filter(Boolean) ?? []
  return listed.map((origin) => {
    const url = parseUrl('RETURN_ORIGINS', origin)!
    if (url.origin !== origin.replace(/\/$/, '')) throw new ConfigError(`RETURN_ORIGINS takes exact origins such as https://app.ecuabots.com, got ${JSON.stringify(origin)}`)
    return url.origin
  })
}

function parseUrl(name: string, value: string | undefined): URL | null {
  if (!value?.trim()) return null
  try {
    const url = new URL(value.trim())
    if (url.protocol === 'http:' || url.protocol === 'https:') return url
  } catch {}
  throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`)
}

/**
 * RP_ID (default: APP_URL's host) and WEBAUTHN_ORIGINS (comma-separated,
 * default: APP_URL's origin). Every origin must be the RP ID or a subdomain
 * of it, as browsers require; a mismatch would only surface as passkeys that
 * never verify, so it fails here instead.
 */
function parseRelyingParty(env: Bindings, appUrl: URL): Config['webauthn'] {
  const rpId = env.RP_ID?.trim().toLowerCase() || appUrl.hostname
  const listed = env.WEBAUTHN_ORIGINS?.split(',').map((origin) => origin.trim()).filter(Boolean) ?? []
  const origins = listed.length ? listed.map((origin) => parseUrl('WEBAUTHN_ORIGINS', origin)!.origin) : [appUrl.origin]
  for (const origin of origins) {
    const host = new URL(origin).hostname
    if (host !== rpId && !host.endsWith(`.${rpId}`)) throw new ConfigError(`WEBAUTHN_ORIGINS: ${origin} is not on RP_ID ${rpId}`)
  }
  return { rpId, origins }
}

/**
 * Only where the dev mailbox is on — a developer's machine, whose outbox is
 * readable at /dev/mail anyway — so `npm run dev` works with nothing set.
 * Anywhere else a missing SECRET_KEY stays missing: mails with a link wait
 * for it, loudly (see src/mail/sealed-bodies.ts), rather than being sealed
 * with a key that is published here.
 */
const DEVELOPMENT_SECRET_KEY = 'ecuabots-cuentas development key: public, never for production'

/**
 * At least 32 characters (`openssl rand -base64 48` gives 64): a short key
 * is a mistake to refuse, not a key. The same floor for SECRET_KEY and for
 * POSTMARK_WEBHOOK_SECRET, which anyone on the internet may try to guess.
 */
function parseSecretKey(name: string, value: string | undefined): string | null {
  const key = value?.trim()
  if (!key) return null
  if (key.length < 32) throw new ConfigError(`${name} must be at least 32 characters (try: openssl rand -base64 48)`)
  return key
}

/** This machine: localhost and its subdomains (RFC 6761: they always resolve to loopback), 127.0.0.1, [::1]. */
function isLocalhost(url: URL): boolean {
  return url.protocol === 'http:' && (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost'))
}

/** An absolute link for a mail, built from APP_URL and never from the request's Host. */
export function appLink(config: Config, path: string): string {
  return new URL(path, config.appUrl).toString()
}
