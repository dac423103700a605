import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock } from '../clock'
import { createBatch, type Batch, type Done } from '../db/batch'
import type { Database } from '../db/client'
import { users, type User } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { accountOfSession, deleteUserSessions, rotateSession, sessionIsOpen } from './sessions'
import { accountFound, whileHashIs } from './account-ref'
import { dropFirstSteps } from './first-step'
import { endSecondStepSkips, forgetDevices } from './known-devices'
import { startedSession, startSession, type SignInContext, type StartingSession } from './start-session'
import { refund } from './throttle'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { sessions } from '../db/schema'
import { openToken, spendToken, spendTokensButResetLinks, type TokenSelector } from './one-time-tokens'

export function findUserByEmail(db: Database, email: string) {
  return db.select().from(users).where(eq(users.email, email)).get()
}

/**
 * An account whose address was confirmed by someone other than the person
 * who signed up has no password until its owner chooses one (see
 * confirmEmail): stored as '' — never a valid hash, so nothing verifies.
 */
export function hasPassword(user: Pick<User, 'passwordHash'>): boolean {
  return user.passwordHash !== NO_PASSWORD
}
export const NO_PASSWORD = ''

/**
 * Opens a mailed link (or an access-link code's request) in a batch that
 * signs in the account it opens (openToken), and confirms the address: every kind of link proves
 * the mailbox. A link that confirms it for the first time discards the
 * password chosen at sign-up unless `signedUpHere` holds or a new password
 * is set (see confirmEmail): whoever chose it has not shown that the mailbox
 * is theirs. Also clears a bounce mark: mail reaches the address again.
 * The batch must end with spendToken or spendAllTokens (see openToken).
 */
export function openLink(batch: Batch, selector: TokenSelector, changes: { passwordHash?: string; signedUpHere?: SQL } = {}) {
  const token = openToken(batch, selector)
  // SET expressions read the row as it was: `email_verified_at IS NOT NULL`
  // means "confirmed before this link". Otherwise the password and the
  // name chosen at sign-up are kept only in the browser that signed up.
  const keeps = sql`(${users.emailVerifiedAt} IS NOT NULL OR ${changes.signedUpHere ?? sql`false`})`
  const account = batch.add(
    batch.db
      .update(users)
      .set({
        passwordHash: changes.passwordHash ?? sql`CASE WHEN ${keeps} THEN ${users.passwordHash} ELSE ${NO_PASSWORD} END`,
        name: sql`CASE WHEN ${keeps} THEN ${users.name} ELSE '' END`,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${clock.now()})`,
        mailBouncedAt: null,
        mailBounceType: null,
        updatedAt: clock.now(),
      })
      .where(inArray(users.id, token.opens))
      .returning(),
  )
  return { ...token, account }
}

export type OpenLink = ReturnType<typeof openLink>

/**
 * Who a committed link sign-in signed in, with the session it started;
 * null for a spent, expired or forged link (the batch wrote nothing).
 */
export function signedInByLink(done: Done, link: OpenLink, starting: StartingSession) {
  const [user] = done.of(link.account)
  const [spent] = done.of(link.found)
  const started = startedSession(done, starting)
  if (!user || !spent || !started) return null
  return {
    ...started,
    user,
    fromForgot: spent.fromForgot,
    /** Where the person was going when they asked for the link (checked again by the route). */
    next: spent.next,
    /** No password on the account (discarded above, or never chosen): the profile asks for one. */
    needsPassword: !hasPassword(user),
  }
}

/**
 * Saves the profile. A new password, in one batch guarded by the hash this
 * request read or checked (whileHashIs: a change that commits first wins),
 * revokes every other session of the user, rotates this one (new id, new
 * cookie value: a copy of the old cookie no longer works), forgets every
 * other known browser (they no longer get the owner's own limits), spends every
 * outstanding link and code of the account but its reset links (see
 * spendTokensButResetLinks), is recorded, gives back the
 * re-authentication attempt, and queues the "password changed" notice.
 * Returns the outbox ids to send and this browser's new session token, or
 * null when the password changed in between and nothing was written.
 */
export async function updateProfile(
  db: Database,
  user: User,
  keepSessionId: string,
  changes: { name: string; passwordHash?: string },
  notice: { client: Client; mail: (guard: SQL) => BatchItem<'sqlite'>; attemptKey: string | null; deviceHash: string | null },
) {
  // Every write below only while this session is still open (sessionIsOpen): a reset that commits while the request runs wins.
  const open = sessionIsOpen(user.id, keepSessionId)
  if (!changes.passwordHash) {
    const saved = await db.update(users).set({ name: changes.name, updatedAt: clock.now() }).where(and(eq(users.id, user.id), open)).returning({ id: users.id })
    return saved.length ? { queued: [], events: [], sessionToken: null } : null
  }
  const account = sql`(SELECT id FROM ${whileHashIs(user)} WHERE ${open})`
  const guard = accountFound(account)
  // Rotated last, once the new password is in (the guards above read the old hash and this session's id).
  const thisSession = await rotateSession(db, keepSessionId, whileHashIs({ id: user.id, passwordHash: changes.passwordHash }))
  const batch = createBatch(db)
  // The apps are told, in this batch: the password changed, and sessions were closed (only if there were others, read before they go).
  const changed = batch.add(queueAccountEvent(db, account, 'account.password_changed').insert)
  const revoked = batch.add(queueAccountEvent(db, account, 'session.revoked', otherSessionsExist(account, keepSessionId)).insert)
  batch.add(deleteUserSessions(db, account, keepSessionId))
  batch.add(dropFirstSteps(db, account))
  batch.add(endSecondStepSkips(db, account))
  batch.add(forgetDevices(db, account, notice.deviceHash))
  batch.add(spendTokensButResetLinks(db, account))
  batch.add(recordEvent(db, account, 'password_changed', notice.client))
  const mail = batch.add(notice.mail(guard))
  if (notice.attemptKey) batch.add(refund(db, notice.attemptKey, guard))
  // Next to last: it changes the hash the guard reads.
  const password = batch.add(
    db
      .update(users)
      .set({ ...changes, updatedAt: clock.now() })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash), open))
      .returning({ id: users.id }),
  )
  batch.add(thisSession.update)
  const done = await batch.commit()
  if (done.of(password).length === 0) return null
  return { queued: queuedIds(done.of(mail)), events: queuedEventIds(done.of(changed), done.of(revoked)), sessionToken: thisSession.token }
}

/**
 * "Cerrar todas las demás sesiones", in one batch: every other session of the
 * user ends, every other known browser is forgotten (they no longer get the
 * owner's own limits), this session is rotated (a copy of its cookie taken
 * before no longer works), the re-authentication attempt is given back, and
 * it is recorded, and the apps are told (session.revoked). Returns this
 * browser's new session token and the event to send, or null when
 * this session was closed before the batch ran (a reset elsewhere): then
 * nothing was done, and "all but this one" never becomes "all".
 */
export async function closeOtherSessions(
  db: Database,
  userId: string,
  keepSessionId: string,
  keep: { deviceHash: string | null; client: Client; attemptKey: string | null },
) {
  const account = accountOfSession(db, userId, keepSessionId)
  const thisSession = await rotateSession(db, keepSessionId, userId)
  const batch = createBatch(db)
  const revoked = batch.add(queueAccountEvent(db, account, 'session.revoked', otherSessionsExist(account, keepSessionId)).insert)
  batch.add(deleteUserSessions(db, account, keepSessionId))
  batch.add(dropFirstSteps(db, account))
  batch.add(endSecondStepSkips(db, account))
  batch.add(forgetDevices(db, account, keep.deviceHash))
  batch.add(recordEvent(db, account, 'sessions_revoked', keep.client))
  if (keep.attemptKey) batch.add(refund(db, keep.attemptKey, accountFound(account)))
  // Last: it changes the id the guards above read.
  const rotated = batch.add(thisSession.update)
  const done = await batch.commit()
  return done.of(rotated).length > 0 ? { token: thisSession.token, events: queuedEventIds(done.of(revoked)) } : null
}

/** The account had sessions other than `keep` (read before the batch's delete): only then were sessions revoked. */
export function otherSessionsExist(account: SQL, keep?: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.userId} IN ${account} ${keep ? sql`AND ${sessions.id} <> ${keep}` : sql``})`
}
