import { newId } from '../db/ids'
import { and, desc, eq, gt, inArray, lte, ne, sql, type SQL } from 'drizzle-orm'
import { clock, DAY, MINUTE } from '../clock'
import { createBatch, type Batch, type Done } from '../db/batch'
import type { Database } from '../db/client'
import { knownDevices, sessions, users, type Session, type SignInMethod, type User } from '../db/schema'
import type { Client } from '../addresses/client-info'
import type { Config } from '../config'
import { recordEvent } from './activity'
import { accountIdQuery, type AccountRef } from './account-ref'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'
import { queueAccountEvent, queuedEventIds } from './account-events'

export const SESSION_LIFETIME = 30 * DAY
/**
 * The session cookie's name: `__Host-session`, or, with COOKIE_DOMAIN set,
 * `__Secure-session` for that domain so first-party subdomains (the CRM)
 * receive it. src/http/session.ts sets and reads it (the prefixes are
 * src/http/cookies.ts's); an app's forwarded Cookie header is read by this
 * name (src/apps/session-info.ts).
 */
export function sessionCookieName(config: Pick<Config, 'cookieDomain'>) {
  return config.cookieDomain ? `__Secure-${SESSION_COOKIE}` : `__Host-${SESSION_COOKIE}`
}
export const SESSION_COOKIE = 'session'
/** Sliding expiry is renewed only when less than this remains: at most one write a fortnight, not one per page. */
const RENEW_WHEN_LEFT = 15 * DAY
/** "Last seen" is refreshed at most this often, so page views do not each cost a write. */
const LAST_SEEN_EVERY = 5 * MINUTE
/** A session younger than this may change the password without the current one. */
export const FRESH_AUTH_WINDOW = 10 * MINUTE

/**
 * Builds the insert for a new session owned by `account` (a user id, or a
 * subquery yielding it, for batches that spend a token), remembering how it
 * started, from where and in which browser (its device hash, so closing the
 * session can forget that browser). A new secret every time: a sign-in never
 * reuses a cookie value, which rules out fixation. Started now, or `at`.
 */
export async function newSession(db: Database, account: AccountRef, client: Client, how: { method: SignInMethod; aal: 1 | 2 }, deviceHash: string, at?: number) {
  const { secret, hash } = await generateSecret()
  const now = at ?? clock.now()
  // Columns in table order: id, token_hash, user_id, created_at, expires_at, method, user_agent, city, country, last_seen_at, device_hash, aal.
  const insert = db
    .insert(sessions)
    .select(
      sql`SELECT ${newId()}, ${hash}, account.id, ${now}, ${now + SESSION_LIFETIME}, ${how.method}, ${client.userAgent}, ${client.city}, ${client.country}, ${now}, ${deviceHash}, ${how.aal}
          FROM ${accountIdQuery(account)} AS account`,
    )
    .returning({ id: sessions.id })
  return { token: secret, insert }
}

/**
 * Gives the session a new id and a new secret, as a statement for the batch
 * that changes what the session may do (a new password, the other sessions
 * closed): a copy of the cookie taken before no longer resolves. When it was
 * started, how and where stay, so rotating never makes a session "fresh".
 * Only while `account` (the guard of that batch) still yields its user.
 */
export async function rotateSession(db: Database, sessionId: string, account: AccountRef) {
  const { secret, hash } = await generateSecret()
  const update = db
    .update(sessions)
    .set({ id: newId(), tokenHash: hash })
    .where(and(eq(sessions.id, sessionId), inArray(sessions.userId, accountIdQuery(account))))
    .returning({ id: sessions.id })
  return { token: secret, update }
}

/**
 * Resolves a cookie value to its session and user in one read, together with
 * whatever the page reads about the same account (`reads` adds its steps,
 * given the account as a subquery, and returns how to read them back), in one
 * D1 batch. An ordinary page view writes nothing, except "last seen" at
 * most every few minutes and the sliding expiry when it runs low (together,
 * one update).
 */
export async function validateSessionToken<T>(db: Database, token: string | undefined, reads?: (batch: Batch, account: SQL) => (done: Done) => T) {
  if (!isWellFormedSecret(token)) return null
  const now = clock.now()
  const live = and(eq(sessions.tokenHash, await hashSecret(token)), gt(sessions.expiresAt, now))
  const account = sql`(${db.select({ id: sql<string>`${sessions.userId}`.as('id') }).from(sessions).where(live)})`
  // Two single-table selects rather than a join: in a D1 batch rows come back
  // as objects, and the two tables' same-named columns (id, created_at)
  // would overwrite each other.
  const batch = createBatch(db)
  const sessionRows = batch.add(db.select().from(sessions).where(live))
  const userRows = batch.add(db.select().from(users).where(inArray(users.id, account)))
  const readPage = reads?.(batch, account)
  const done = await batch.commit()
  const [session] = done.of(sessionRows)
  const [user] = done.of(userRows)
  if (!session || !user) return null
  return { session, user, pageData: readPage ? readPage(done) : null, renewed: await touchSession(db, session, now) }
}

/**
 * The apps' "who is this?" (src/apps/session-info.ts): the same check as a
 * page, but only the columns an app is told, in one statement — a join
 * outside a batch, where drizzle names each field — instead of a batch of
 * two: the most-called query in the system once apps ask on every request.
 */
export async function findSessionForApp(db: Database, token: string | undefined) {
  if (!isWellFormedSecret(token)) return null
  const now = clock.now()
  const row = await db
    .select({
      session: { id: sessions.id, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt, aal: sessions.aal },
      // Whether two-step is on, never the sealed secret itself.
      user: { id: users.id, email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt, twoFactor: sql<number>`${users.twoStepSecret} IS NOT NULL` },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await hashSecret(token)), gt(sessions.expiresAt, now)))
    .get()
  if (!row) return null
  await touchSession(db, row.session, now)
  return row
}

/**
 * Sliding expiry and "last seen", written together and only when due (at
 * most every few minutes), so an ordinary view writes nothing. Updates the
 * row in place; true when the expiry moved (the cookie must be sent again).
 */
async function touchSession(db: Database, session: { id: string; expiresAt: number; lastSeenAt: number }, now: number) {
  const renewed = session.expiresAt - now < RENEW_WHEN_LEFT
  if (renewed || now - session.lastSeenAt > LAST_SEEN_EVERY) {
    session.lastSeenAt = now
    if (renewed) session.expiresAt = now + SESSION_LIFETIME
    await db.update(sessions).set({ lastSeenAt: now, expiresAt: session.expiresAt }).where(eq(sessions.id, session.id))
  }
  return renewed
}

/** This account's live sessions, most recently used first, for "Sesiones activas". */
export function listUserSessions(db: Database, account: AccountRef) {
  return db
    .select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, method: sessions.method, userAgent: sessions.userAgent, city: sessions.city, country: sessions.country })
    .from(sessions)
    .where(and(inArray(sessions.userId, accountIdQuery(account)), gt(sessions.expiresAt, clock.now())))
    .orderBy(desc(sessions.lastSeenAt))
}

/** Ends one session of this user (never someone else's: the user id is part of the match). */
export function deleteUserSession(db: Database, userId: string, sessionId: string, when: SQL = sql`true`) {
  return db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId), when)).returning({ id: sessions.id })
}

/**
 * True while this session of this user still exists: the guard of every
 * write a signed-in request makes, in the same statement or batch, so a
 * reset or revoke that commits while the request runs leaves it nothing to
 * do (the session was checked when the request arrived; this is the
 * moment of writing).
 */
export function sessionIsOpen(userId: string, sessionId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.id} = ${sessionId} AND ${sessions.userId} = ${userId})`
}

/**
 * The account of this session while it exists, as a subquery yielding `id`:
 * the guard for what closing it records (no row closed, nothing recorded).
 */
export function accountOfSession(db: Database, userId: string, sessionId: string): SQL {
  return sql`(${db
    .select({ id: sql<string>`${sessions.userId}`.as('id') })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))})`
}

/**
 * Forgets the browser this session runs in (its known_devices row), for the
 * batch that closes it, before the session row goes: that browser no longer
 * keeps the account's own counters, and signing in from it again is "new".
 */
export function forgetSessionDevice(db: Database, userId: string, sessionId: string, when: SQL = sql`true`) {
  const device = db.select({ deviceHash: sessions.deviceHash }).from(sessions).where(and(eq(sessions.userId, userId), eq(sessions.id, sessionId)))
  return db.delete(knownDevices).where(and(eq(knownDevices.userId, userId), inArray(knownDevices.deviceHash, device), when))
}

/**
 * Closes one session of this user in one batch. The event is recorded and
 * the browser forgotten (when asked) while the row still exists, so a
 * made-up id writes nothing; the apps are told (session.revoked). The
 * event to send when a session was closed, else null.
 */
export async function closeUserSession(db: Database, userId: string, sessionId: string, client: Client, forgetBrowser: boolean, asking: { sessionId: string }) {
  // Only while the session asking is still open (sessionIsOpen): checked before the row it may itself be goes.
  const askerOpen = sessionIsOpen(userId, asking.sessionId)
  const target = sql`(SELECT id FROM ${accountOfSession(db, userId, sessionId)} WHERE ${askerOpen})`
  const batch = createBatch(db)
  // One session closed reads "Sesión cerrada"; "sessions_revoked" is for several at once.
  batch.add(recordEvent(db, target, 'session_revoked', client))
  const told = batch.add(queueAccountEvent(db, target, 'session.revoked').insert)
  if (forgetBrowser) batch.add(forgetSessionDevice(db, userId, sessionId, askerOpen))
  const revoked = batch.add(deleteUserSession(db, userId, sessionId, askerOpen))
  const done = await batch.commit()
  return done.of(revoked).length > 0 ? { events: queuedEventIds(done.of(told)) } : null
}

export function isFreshSession(session: { createdAt: number }): boolean {
  return clock.now() - session.createdAt < FRESH_AUTH_WINDOW
}

/** Sessions past their expiry never resolve; the hourly sweep drops them (src/maintenance.ts). */
export function sweepExpiredSessions(db: Database) {
  return db.delete(sessions).where(lte(sessions.expiresAt, clock.now()))
}

/** Ends the session behind a cookie value; true if there was one. */
export async function deleteSessionByToken(db: Database, token: string | undefined): Promise<boolean> {
  if (!isWellFormedSecret(token)) return false
  const deleted = await db.delete(sessions).where(eq(sessions.tokenHash, await hashSecret(token))).returning({ id: sessions.id })
  return deleted.length > 0
}

/** Every session of the user but `keep` (all of them when keep is omitted). */
export function deleteUserSessions(db: Database, account: AccountRef, keep?: string) {
  const ofAccount = typeof account === 'string' ? eq(sessions.userId, account) : inArray(sessions.userId, account)
  return db.delete(sessions).where(keep ? and(ofAccount, ne(sessions.id, keep)) : ofAccount)
}
