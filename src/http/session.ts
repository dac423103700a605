import type { SQL } from 'drizzle-orm'
import type { Context } from 'hono'
import type { Config } from '../config'
import { SESSION_COOKIE, SESSION_LIFETIME, validateSessionToken } from '../auth/sessions'
import type { Batch, Done } from '../db/batch'
import type { AppEnv } from '../env'
import { MINUTE } from '../clock'
import { forgetBookmark } from './bookmark'
import { hostCookie, sharedCookie } from './cookies'
import { forgetFlowsInProgress } from './flows'

/**
 * The session cookie (named as sessionCookieName says): `__Host-session`,
 * or, with COOKIE_DOMAIN set, `__Secure-session` for that domain. Its
 * Max-Age is re-sent whenever the server extends the session. One per
 * domain setting (sharedCookie). Read and written here; the domain sees
 * only its value.
 */
const sessionCookieFor = sharedCookie(SESSION_COOKIE, SESSION_LIFETIME)

export function setSessionCookie(c: Context<AppEnv>, token: string) {
  sessionCookieFor(c.var.config).set(c, token)
}

/** Every way out ends here: the bookmark of the person's last write goes with the session (forgetBookmark). */
export function clearSessionCookie(c: Context<AppEnv>) {
  sessionCookieFor(c.var.config).clear(c)
  forgetBookmark(c)
  c.set('sessionChange', 'ended')
}

export function readSessionCookie(c: Context<AppEnv>) {
  return sessionCookieFor(c.var.config).read(c)
}

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
export async function resolveSession(c: Context<AppEnv>, reads?: (batch: Batch, account: SQL) => (done: Done) => unknown) {
  const token = readSessionCookie(c)
  if (!token) return null
  const found = await validateSessionToken(c.var.db, token, reads)
  if (!found) {
    // Signed out elsewhere (an app's "Cerrar sesión", a revoke, an expiry):
    // whichever page notices first, the next person at this browser gets
    // nothing of this one's flows (an opened reset link above all).
    clearSessionCookie(c)
    forgetFlowsInProgress(c)
    sessionClosedNotice.set(c, '1')
  }
  // Sliding expiry: the server extended the session, so the cookie's own expiry moves with it.
  else if (found.renewed) setSessionCookie(c, token)
  return found
}

/**
 * "Su sesión se cerró desde otro dispositivo": set when this browser
 * presents a session cookie that no longer resolves (closed on Seguridad
 * from another device, by a reset or password change elsewhere, by an
 * app's "Cerrar sesión"), so the /login it lands on can say why. Only a
 * browser that held that session gets it, and it says nothing about any
 * account: the session cookie's own expiry moves with the session's, so a
 * cookie the browser still sends was ended on the server, not by time.
 */
const sessionClosedNotice = hostCookie('session_closed', 10 * MINUTE)

/** True once for a browser whose session was closed elsewhere (see sessionClosedNotice); forgets it. */
export function takeSessionClosedNotice(c: Context<AppEnv>): boolean {
  const closed = Boolean(sessionClosedNotice.read(c) || readSessionCookie(c))
  if (closed) sessionClosedNotice.clear(c)
  return closed
}

/** A new session begins: what the last one's end left to say is moot. */
export function forgetSessionClosedNotice(c: Context<AppEnv>) {
  if (sessionClosedNotice.read(c)) sessionClosedNotice.clear(c)
}

/** The session this request arrived with was closed before it could write: like any closed session, back to sign in. */
export function signedOutMeanwhile(c: Context<AppEnv>) {
  clearSessionCookie(c)
  forgetFlowsInProgress(c)
  return c.redirect('/login', 303)
}
