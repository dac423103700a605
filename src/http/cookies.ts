import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'

/**
 * Every cookie this app sets, in one place. All are `__Host-` cookies:
 * browsers accept that prefix only with Secure, Path=/ and no Domain, so a
 * sibling subdomain (or a man in the middle on plain http) cannot plant or
 * overwrite one — "cookie tossing" would otherwise let it fix a session, a
 * reset link or a known device in a victim's browser. Path=/ means a cookie
 * no longer scopes itself to its pages: each route reads only its own.
 * Secure cookies are kept on http://localhost too, so local work is the same.
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

function cookieOf(name: string, options: { prefix: 'host' | 'secure'; domain?: string; httpOnly: true; sameSite: 'Lax'; maxAge: number }) {
  const prefix = options.prefix === 'host' ? '__Host-' : '__Secure-'
  return {
    name: `${prefix}${name}`,
    read: (c: Context): string | undefined => getCookie(c, name, options.prefix),
    set: (c: Context, value: string) => setCookie(c, name, value, options),
    clear: (c: Context) => void deleteCookie(c, name, options),
  }
}
