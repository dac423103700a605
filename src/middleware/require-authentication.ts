import type { SQL } from 'drizzle-orm'
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { Batch, Done } from '../db/batch'
import type { AppEnv } from '../env'
import { resolveSession } from '../http/session'
import { receiveWholeBody } from '../http/whole-body'

/**
 * What a signed-in page reads besides the session, keyed by the account (see
 * requireAuthentication): it adds its steps to the session's batch and
 * returns how to read them back once committed.
 */
export type PageReads<T = unknown> = (batch: Batch, account: SQL) => (done: Done) => T

/**
 * The data `reads` read with this request's session. The page names the
 * reads it declared, so what comes back has their type; any other reads
 * are a programming error, not a cast.
 */
export function pageDataOf<T>(c: Context<AppEnv>, reads: PageReads<T>): T {
  const page = c.var.pageData
  if (!page || page.reads !== reads) throw new Error('pageDataOf: this route did not declare these reads')
  return page.data as T
}

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
    // The session is looked up once the request has fully arrived (see receiveWholeBody).
    await receiveWholeBody(c)
    const resolved = resolveSession(c, reads)
    c.set('resolvedSession', resolved)
    const found = await resolved
    if (!found) {
      const url = new URL(c.req.url)
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303)
    }
    c.set('user', found.user)
    c.set('session', found.session)
    c.set('pageData', reads ? { reads, data: found.pageData } : null)
    await next()
  })
}
