import type { SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Context } from 'hono'
import { clearSessionCookie, readSessionCookie, setSessionCookie, validateSessionToken } from '../auth/sessions'
import type { AppEnv } from '../env'
import { forgetFlowsInProgress } from './flows'

/**
 * The session of this request, resolved on first use and then remembered.
 * Public pages that never ask cost no query; a visitor without a cookie
 * costs none either. A stale or forged cookie is cleared, with every flow
 * in progress it left behind.
 */
export function currentSession(c: Context<AppEnv>) {
  let resolved = c.get('resolvedSession')
  if (!resolved) {
    resolved = resolveSession(c)
    c.set('resolvedSession', resolved)
  }
  return resolved
}

/** Resolves the session now, with the page's own reads (see requireAuthentication) in the same batch. */
export async function resolveSession(c: Context<AppEnv>, reads?: (owner: SQL) => BatchItem<'sqlite'>[]) {
  const token = readSessionCookie(c)
  if (!token) return null
  const found = await validateSessionToken(c.var.db, token, reads)
  if (!found) {
    // Signed out elsewhere (an app's "Cerrar sesión", a revoke, an expiry):
    // whichever page notices first, the next person at this browser gets
    // nothing of this one's flows (an opened reset link above all).
    clearSessionCookie(c)
    forgetFlowsInProgress(c)
  }
  // Sliding expiry: the server extended the session, so the cookie's own expiry moves with it.
  else if (found.renewed) setSessionCookie(c, token)
  return found
}
