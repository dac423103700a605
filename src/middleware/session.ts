import { createMiddleware } from 'hono/factory'
import { clearSessionCookie, readSessionCookie, validateSessionToken } from '../auth/sessions'
import type { AppEnv } from '../env'

/**
 * Resolves the session cookie once per request into c.var.user and
 * c.var.session. No cookie, no query. A stale or forged cookie is cleared.
 */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  const token = readSessionCookie(c)
  const found = token ? await validateSessionToken(c.var.db, token) : null
  if (token && !found) clearSessionCookie(c)
  c.set('user', found?.user ?? null)
  c.set('session', found?.session ?? null)
  await next()
})

/**
 * Deny by default: index.ts mounts this after the public routes, so every
 * route added below it needs a session. Anonymous people go to /login and
 * come back afterwards (the path only, see safeNext).
 */
export const requireAuthentication = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.user) {
    const url = new URL(c.req.url)
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
  }
  await next()
})

