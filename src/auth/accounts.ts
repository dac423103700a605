import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { users, type SecurityEventType, type User } from '../db/schema'
import { runSteps } from '../db/steps'
import type { Client } from '../http/client'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { deleteUserSessions, rotateSession } from './sessions'
import { ownerExists, whileHashIs } from './owner'
import { forgetDevices, prepareSignIn, type SignInContext } from './sign-in'
import { refund } from './throttle'
import { spendAllTokens, spendOneTimeToken, type TokenMatch } from './tokens'

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
 * Spends a mailed link (or a login code) and signs its owner in on a fresh
 * session, in one atomic batch: the user row changes, other sessions are
 * revoked when asked, the new session, device and events are written, the
 * token and its siblings die (every outstanding token of the account, with
 * `spendAll`, for a password change). Every kind of link proves the
 * mailbox, so every one confirms the address — and one that confirms it
 * for the first time discards the password chosen at sign-up unless
 * `passwordHash` says otherwise (see confirmEmail): whoever chose it has
 * not shown that the mailbox is theirs. `signedIn` is null for a used,
 * expired or forged link; `results` are those of the `before` statements.
 */
export async function spendLinkAndSignIn(
  db: Database,
  match: TokenMatch | null,
  changes: { passwordHash?: string },
  options: {
    who: SignInContext
    /** For a confirmation link: true (in SQL) when this browser is the one that signed up. */
    signedUpHere?: SQL
    revokeSessions?: boolean
    spendAll?: boolean
    events?: SecurityEventType[]
    /** Statements guarded by the owner subquery that must see the account as it was, before anything is revoked (a reset's review counts). */
    first?: (owner: SQL) => BatchItem<'sqlite'>[]
    /** More effects guarded by the owner subquery (a mail to queue, say). */
    effects?: (owner: SQL) => BatchItem<'sqlite'>[]
    before?: BatchItem<'sqlite'>[]
    after?: BatchItem<'sqlite'>[]
  },
) {
  let signingIn: Awaited<ReturnType<typeof prepareSignIn>> | undefined
  let firstCount = 0
  const outcome = await spendOneTimeToken(
    db,
    match,
    async (owner) => {
      signingIn = await prepareSignIn(db, owner, options.who, { spendResetLinks: match?.purpose !== 'password_reset' })
      const first = options.first?.(owner) ?? []
      firstCount = first.length
      // SET expressions read the row as it was: `email_verified_at IS NOT NULL`
      // means "confirmed before this link". Otherwise the password and the
      // name chosen at sign-up are kept only in the browser that signed up.
      const keeps = sql`(${users.emailVerifiedAt} IS NOT NULL OR ${options.signedUpHere ?? sql`false`})`
      const update = db
        .update(users)
        .set({
          passwordHash: changes.passwordHash ?? sql`CASE WHEN ${keeps} THEN ${users.passwordHash} ELSE ${NO_PASSWORD} END`,
          name: sql`CASE WHEN ${keeps} THEN ${users.name} ELSE '' END`,
          emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${clock.now()})`,
          // A used link also proves mail reaches the address again: clear a bounce mark.
          mailBouncedAt: null,
          mailBounceType: null,
          updatedAt: clock.now(),
        })
        .where(inArray(users.id, owner))
        .returning()
      // Whoever had the old password is out: no session, and no browser but
      // this one counts as the owner's any more (forgotten after this sign-in
      // has decided whether to send its new-device notice).
      const revoke = options.revokeSessions ? [deleteUserSessions(db, owner)] : []
      const forget = options.revokeSessions ? [forgetDevices(db, owner, options.who.deviceHash)] : []
      const events = (options.events ?? []).map((type) => recordEvent(db, owner, type, options.who.client))
      return [...first, update, ...revoke, ...signingIn.statements, ...forget, ...events, ...(options.effects?.(owner) ?? [])]
    },
    options,
  )
  // Where each step's results are: spendOneTimeToken runs `before`, its own match, then these effects in order.
  const results = outcome?.results ?? []
  const at = { update: (options.before?.length ?? 0) + 1 + firstCount }
  const signInAt = at.update + 1 + (options.revokeSessions ? 1 : 0)
  const effectsAt = signInAt + (signingIn?.statements.length ?? 0) + (options.revokeSessions ? 1 : 0) + (options.events?.length ?? 0)
  const user = (results[at.update] as User[] | undefined)?.[0]
  const signedIn =
    user && outcome?.spent && signingIn
      ? {
          user,
          sessionToken: signingIn.token,
          fromForgot: outcome.spent.fromForgot,
          /** Where the person was going when they asked for the link (checked again by the route). */
          next: outcome.spent.next,
          /** No password on the account (discarded above, or never chosen): the profile asks for one. */
          needsPassword: !hasPassword(user),
          ...newDeviceNotice(signingIn.queued(results, signInAt)),
        }
      : null
  return { signedIn, results, effectResult: (i: number) => results[effectsAt + i] }
}

/**
 * Saves the profile. A new password, in one batch guarded by the hash this
 * request read or checked (whileHashIs: a change that commits first wins),
 * revokes every other session of the user, rotates this one (new id, new
 * cookie value: a copy of the old cookie no longer works), forgets every
 * other known browser (they no longer get the owner's own limits), spends every
 * outstanding link and code of the account, is recorded, gives back the
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
  if (!changes.passwordHash) {
    await db.update(users).set({ name: changes.name, updatedAt: clock.now() }).where(eq(users.id, user.id))
    return { queued: [], sessionToken: null }
  }
  const owner = whileHashIs(user)
  const guard = ownerExists(owner)
  const thisSession = await rotateSession(db, keepSessionId, owner)
  const results = await runSteps(db, {
    otherSessions: deleteUserSessions(db, owner, keepSessionId),
    thisSession: thisSession.update,
    otherDevices: forgetDevices(db, owner, notice.deviceHash),
    links: spendAllTokens(db, owner),
    event: recordEvent(db, owner, 'password_changed', notice.client),
    mail: notice.mail(guard),
    refund: notice.attemptKey ? [refund(db, notice.attemptKey, guard)] : [],
    // Last: it changes the hash the guard reads.
    password: db
      .update(users)
      .set({ ...changes, updatedAt: clock.now() })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)))
      .returning({ id: users.id }),
  })
  if ((results.password as unknown[]).length === 0) return null
  return { queued: queuedIds(results.mail), sessionToken: thisSession.token }
}

/**
 * "Cerrar todas las demás sesiones", in one batch: every other session of the
 * user ends, every other known browser is forgotten (they no longer get the
 * owner's own limits), this session is rotated (a copy of its cookie taken
 * before no longer works), the re-authentication attempt is given back, and
 * it is recorded. Returns this browser's new session token.
 */
export async function closeOtherSessions(
  db: Database,
  userId: string,
  keepSessionId: string,
  keep: { deviceHash: string | null; client: Client; attemptKey: string | null },
) {
  const thisSession = await rotateSession(db, keepSessionId, userId)
  await runSteps(db, {
    otherSessions: deleteUserSessions(db, userId, keepSessionId),
    otherDevices: forgetDevices(db, userId, keep.deviceHash),
    thisSession: thisSession.update,
    event: recordEvent(db, userId, 'sessions_revoked', keep.client),
    refund: keep.attemptKey ? [refund(db, keep.attemptKey)] : [],
  })
  return thisSession.token
}

/** The sign-in batch queued a notice exactly when the device was new to the account. */
export function newDeviceNotice(queued: string[]) {
  return { newDevice: queued.length > 0, queued }
}
