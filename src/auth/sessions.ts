import { createId } from '@paralleldrive/cuid2'
import { and, eq, gt, inArray, ne, sql, type SQL } from 'drizzle-orm'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { clock, DAY, MINUTE } from '../clock'
import type { Database } from '../db/client'
import { sessions, users } from '../db/schema'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

export const SESSION_COOKIE = 'session'
export const SESSION_LIFETIME = 30 * DAY
/** Sliding expiry is renewed only when less than this remains: at most one write a fortnight, not one per page. */
const RENEW_WHEN_LEFT = 15 * DAY
/** A session younger than this may change the password without the current one. */
export const FRESH_AUTH_WINDOW = 10 * MINUTE

/**
 * Builds the insert for a new session owned by `owner` (a user id, or a
 * parenthesised subquery yielding `id`, for batches that spend a token). A new secret every
 * time: a sign-in never reuses a cookie value, which rules out fixation.
 */
export async function newSession(db: Database, owner: string | SQL) {
  const { secret, hash } = await generateSecret()
  const now = clock.now()
  const ownerQuery = typeof owner === 'string' ? sql`(SELECT ${owner} AS id)` : owner
  // Columns in the order of the sessions table: id, token_hash, user_id, created_at, expires_at.
  const insert = db
    .insert(sessions)
    .select(sql`SELECT ${createId()}, ${hash}, owner.id, ${now}, ${now + SESSION_LIFETIME} FROM ${ownerQuery} AS owner`)
  return { token: secret, insert }
}

/** Resolves a cookie value to its session and user in one read; renews the expiry when it runs low. */
export async function validateSessionToken(db: Database, token: string | undefined) {
  if (!isWellFormedSecret(token)) return null
  const now = clock.now()
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await hashSecret(token)), gt(sessions.expiresAt, now)))
    .get()
  if (!row) return null
  if (row.session.expiresAt - now < RENEW_WHEN_LEFT) {
    row.session.expiresAt = now + SESSION_LIFETIME
    await db.update(sessions).set({ expiresAt: row.session.expiresAt }).where(eq(sessions.id, row.session.id))
  }
  return row
}

export function isFreshSession(session: { createdAt: number }): boolean {
  return clock.now() - session.createdAt < FRESH_AUTH_WINDOW
}

export function deleteSession(db: Database, sessionId: string) {
  return db.delete(sessions).where(eq(sessions.id, sessionId))
}

/** Every session of the user but `keep` (all of them when keep is omitted). */
export function deleteUserSessions(db: Database, owner: string | SQL, keep?: string) {
  const ofOwner = typeof owner === 'string' ? eq(sessions.userId, owner) : inArray(sessions.userId, owner)
  return db.delete(sessions).where(keep ? and(ofOwner, ne(sessions.id, keep)) : ofOwner)
}

export function setSessionCookie(c: Context, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true, // browsers accept Secure cookies on http://localhost too
    sameSite: 'Lax',
    path: '/',
    maxAge: SESSION_LIFETIME / 1000,
  })
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true })
}

export function readSessionCookie(c: Context) {
  return getCookie(c, SESSION_COOKIE)
}
