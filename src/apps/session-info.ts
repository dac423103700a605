import { parse } from 'hono/utils/cookie'
import type { Config } from '../config'
import { bookmarkCookieName, openBookmark, type Database } from '../db/client'
import { deleteSessionByToken, deleteUserSession, findSessionForApp, isFreshSession, sessionCookieName } from '../auth/sessions'

/**
 * What an app may learn about the person behind a cookie: who they are and
 * about the session, as plain serialisable values. Never the cookie value,
 * a token or a hash: an app that logs this leaks nothing that opens the
 * account.
 */
export type SessionInfo = {
  /** `twoFactor`: the account has two-step sign-in on. */
  user: { id: string; email: string; name: string; emailVerified: boolean; twoFactor: boolean }
  /** `aal`: 2 when the session began with two factors (a passkey, or the second step), else 1 — for apps that demand it for sensitive actions. */
  session: { id: string; createdAt: number; expiresAt: number; fresh: boolean; aal: 1 | 2 }
}

/** The session cookie's value in a `Cookie` header an app forwarded (null if absent). */
function sessionTokenIn(config: Pick<Config, 'cookieDomain'>, cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader || cookieHeader.length > 8192) return undefined
  const name = sessionCookieName(config)
  return parse(cookieHeader, name)[name]
}

/**
 * The D1 bookmark of the person's last write in a forwarded `Cookie` header
 * (null if absent or it does not open: the cookie holds it sealed, see sealBookmark): the apps' session check reads from a replica
 * no older than it, as the person's own pages do (src/middleware/database.ts).
 */
export async function bookmarkIn(config: Pick<Config, 'cookieDomain' | 'secretKeys'>, cookieHeader: string | null | undefined): Promise<string | null> {
  if (!cookieHeader || cookieHeader.length > 8192) return null
  const name = bookmarkCookieName(config)
  return openBookmark(config, parse(cookieHeader, name)[name])
}

/**
 * "Who is this?" for the apps (Workers RPC and GET /api/session): the same
 * check as a page — expired, revoked or unknown gives null — in one D1 round
 * trip, with the page's sliding renewal and "last seen" (at most one write
 * every few minutes). `fresh`: signed in less than 10 minutes ago, for apps
 * that guard sensitive actions.
 */
export async function lookUpSession(db: Database, config: Pick<Config, 'cookieDomain'>, cookieHeader: string | null | undefined): Promise<SessionInfo | null> {
  const found = await findSessionForApp(db, sessionTokenIn(config, cookieHeader))
  if (!found) return null
  const { user, session } = found
  return {
    user: { id: user.id, email: user.email, name: user.name, emailVerified: user.emailVerifiedAt !== null, twoFactor: Boolean(user.twoFactor) },
    session: { id: session.id, createdAt: session.createdAt, expiresAt: session.expiresAt, fresh: isFreshSession(session), aal: session.aal },
  }
}

/** "Cerrar sesión" from an app: ends the session behind this cookie. True if there was one. */
export async function signOutSession(db: Database, config: Pick<Config, 'cookieDomain'>, cookieHeader: string | null | undefined): Promise<boolean> {
  return deleteSessionByToken(db, sessionTokenIn(config, cookieHeader))
}

/** Ends one session of a user ("cerrar sesión en todas partes", one at a time). Never another user's. */
export async function revokeUserSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  if (typeof userId !== 'string' || typeof sessionId !== 'string' || userId.length > 64 || sessionId.length > 64) return false
  return (await deleteUserSession(db, userId, sessionId)).length > 0
}
