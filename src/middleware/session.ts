import type { SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { createMiddleware } from 'hono/factory'
import type { Database } from '../db/client'
import type { AppEnv } from '../env'
import { resolveSession } from '../http/session'

/** What a signed-in page reads besides the session, keyed by the account (see requireAuthentication). */
export type PageReads = (db: Database, owner: SQL) => BatchItem<'sqlite'>[]

/**
 * Deny by default: index.ts mounts this after the public routes, so every
 * route added below it needs a session. Anonymous people go to /login and
 * come back afterwards (the path only, see safeNext).
 *
 * A page behind it declares what else it reads (`reads`, by "METHOD /path"),
 * so the session, the user and the page's own data come back in one D1
 * round trip (one batch) instead of one after the other.
 */
export function requireAuthentication(options: { reads?: Record<string, PageReads> } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    // HEAD is served by the GET handler (Hono), so it reads what GET reads.
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    const reads = options.reads?.[`${method} ${c.req.path}`]
    const resolved = resolveSession(c, reads && ((owner) => reads(c.var.db, owner)))
    c.set('resolvedSession', resolved)
    const found = await resolved
    if (!found) {
      const url = new URL(c.req.url)
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
    }
    c.set('user', found.user)
    c.set('session', found.session)
    c.set('pageData', found.pageData)
    await next()
  })
}
