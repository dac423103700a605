import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { generateSecret, hashSecret, isWellFormedSecret } from '../auth/secrets'

/**
 * How this app's cookies are made; each is defined beside the code that
 * reads it. All are `__Host-` cookies — browsers accept that prefix only
 * with Secure, Path=/ and no Domain, so a sibling subdomain (or a man in the
 * middle on plain http) cannot plant or overwrite one: "cookie tossing"
 * would otherwise fix a session, a reset link or a known device in a
 * victim's browser — except the session (and its D1 bookmark) when
 * COOKIE_DOMAIN shares it with the apps (domainCookie, sharedCookie). Path=/ means a cookie no longer scopes itself to
 * its pages: each route reads only its own. Secure cookies are kept on
 * http://localhost too, so local work is the same.
 */
export function hostCookie(name: string, lifetimeMs: number) {
  return cookieOf(name, { prefix: 'host', httpOnly: true, sameSite: 'Lax', maxAge: Math.floor(lifetimeMs / 1000) })
}

/**
 * A cookie shared with the subdomains of `domain` (COOKIE_DOMAIN: the
 * session, for first-party apps). `__Secure-`: a browser keeps it only if
 * it came over HTTPS with Secure; `__Host-` cannot carry a Domain.
 */
export function domainCookie(name: string, lifetimeMs: number, domain: string) {
  return cookieOf(name, { prefix: 'secure', domain, httpOnly: true, sameSite: 'Lax', maxAge: Math.floor(lifetimeMs / 1000) })
}

/**
 * A cookie the apps share when COOKIE_DOMAIN is set (`__Secure-` for that
 * domain), else `__Host-`: the session and the D1 bookmark that goes with
 * it. Returns the cookie for a config; one per domain setting, made once.
 */
export function sharedCookie(name: string, lifetimeMs: number) {
  const made = new Map<string | null, ReturnType<typeof hostCookie>>()
  return (config: { cookieDomain: string | null }) => {
    let cookie = made.get(config.cookieDomain)
    if (!cookie) {
      cookie = config.cookieDomain ? domainCookie(name, lifetimeMs, config.cookieDomain) : hostCookie(name, lifetimeMs)
      made.set(config.cookieDomain, cookie)
    }
    return cookie
  }
}

/**
 * A random secret this browser holds in a `__Host-` cookie, standing for the
 * browser itself (a known device, the browser that signed up, the one that
 * asked for a passkey challenge). Only its SHA-256 is ever stored or
 * compared; a cookie value that is not one of our secrets reads as none.
 */
export function browserSecret(name: string, lifetimeMs: number) {
  const cookie = hostCookie(name, lifetimeMs)
  return {
    /** The hash of the secret this browser holds, or null: never creates one. */
    async hashOf(c: Context): Promise<string | null> {
      const secret = cookie.read(c)
      return isWellFormedSecret(secret) ? hashSecret(secret) : null
    },
    /** This browser's hash, giving it a secret if it has none; `refresh` re-sends the cookie, renewing its expiry. */
    async ensure(c: Context, options: { refresh?: boolean } = {}): Promise<string> {
      let secret = cookie.read(c)
      const had = isWellFormedSecret(secret)
      if (!had) secret = (await generateSecret()).secret
      if (!had || options.refresh) cookie.set(c, secret!)
      return hashSecret(secret!)
    },
    /** This browser no longer holds a secret (its flow ended with a sign-in or a sign-out). */
    forget(c: Context) {
      cookie.clear(c)
    },
    /** A new secret for this browser, replacing any it held; its hash. */
    async renew(c: Context): Promise<string> {
      const { secret, hash } = await generateSecret()
      cookie.set(c, secret)
      return hash
    },
  }
}

function cookieOf(name: string, options: { prefix: 'host' | 'secure'; domain?: string; httpOnly: true; sameSite: 'Lax'; maxAge: number }) {
  const prefix = options.prefix === 'host' ? '__Host-' : '__Secure-'
  return {
    name: `${prefix}${name}`,
    read: (c: Context): string | undefined => getCookie(c, name, options.prefix),
    set: (c: Context, value: string) => setCookie(c, name, value, options),
    clear: (c: Context) => void deleteCookie(c, name, options),
  }
}
