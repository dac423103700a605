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
  const options = { prefix: 'host', httpOnly: true, sameSite: 'Lax', maxAge: Math.floor(lifetimeMs / 1000) } as const
  return {
    name: `__Host-${name}`,
    read: (c: Context): string | undefined => getCookie(c, name, 'host'),
    set: (c: Context, value: string) => setCookie(c, name, value, options),
    clear: (c: Context) => void deleteCookie(c, name, options),
  }
}
