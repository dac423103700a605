import { eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { throttles, users, type SecurityEventType, type User } from '../db/schema'
import type { Client } from '../http/client'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { LOGIN_FAILURES } from './limits'
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './passwords'
import { hashSecret } from './secrets'
import { deleteUserSessions } from './sessions'
import { prepareSignIn, type SignInContext } from './sign-in'
import { hit } from './throttle'
import { spendOneTimeToken, type TokenMatch } from './tokens'

export const MAX_NAME_LENGTH = 100

export function findUserByEmail(db: Database, email: string) {
  return db.select().from(users).where(eq(users.email, email)).get()
}

/**
 * Checks an email and password. Failures are counted per account (known or
 * not, so both are throttled alike) in D1, globally; past the limit the
 * answer is `throttled`, whatever the password. Unknown addresses are
 * verified against a dummy hash so they take as long as a wrong password.
 * On success, also returns the upgraded hash when the stored one uses old
 * parameters.
 */
export async function authenticate(db: Database, pepper: string | null, email: string, password: string, client: Client) {
  const failuresKey = `login-failures:${await hashSecret(email)}`
  const now = clock.now()
  const [found, counter] = await db.batch([
    db.select().from(users).where(eq(users.email, email)),
    db.select().from(throttles).where(eq(throttles.key, failuresKey)),
  ])
  const user = found[0]
  const failures = counter[0]
  if (failures && failures.resetAt > now && failures.count >= LOGIN_FAILURES.limit) {
    return { outcome: 'throttled' as const, retryAfterSeconds: Math.ceil((failures.resetAt - now) / 1000) }
  }
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH, pepper)
  if (!user || !ok) {
    const count = hit(db, failuresKey, LOGIN_FAILURES.window)
    await (user ? db.batch([count, recordEvent(db, user.id, 'sign_in_failed', client, 'password')]) : count)
    return { outcome: 'failed' as const }
  }
  const upgradedHash = needsRehash(user.passwordHash, pepper) ? await hashPassword(password, pepper) : null
  return { outcome: 'ok' as const, user, upgradedHash }
}

/**
 * Starts a session after a password sign-in. In the same batch: the device,
 * the event, and a rehash, if any.
 */
export async function signIn(db: Database, user: User, upgradedHash: string | null, who: SignInContext) {
  const signingIn = await prepareSignIn(db, user.id, who)
  const rehash = upgradedHash && db.update(users).set({ passwordHash: upgradedHash }).where(eq(users.id, user.id))
  const results = await db.batch([...signingIn.statements, ...(rehash ? [rehash] : [])] as [BatchItem<'sqlite'>])
  return { token: signingIn.token, ...newDeviceNotice(signingIn.queued(results, 0)) }
}

/**
 * Spends a mailed link (or a login code) and signs its owner in on a fresh
 * session, in one atomic batch: the user row changes (`changes`), other
 * sessions are revoked when asked, the new session, device and events are
 * written, the token and its siblings die. `signedIn` is null for a used,
 * expired or forged link; `results` are those of the `before` statements.
 */
export async function spendLinkAndSignIn(
  db: Database,
  match: TokenMatch | null,
  changes: Partial<typeof users.$inferInsert>,
  options: {
    who: SignInContext
    revokeSessions?: boolean
    events?: SecurityEventType[]
    /** More effects guarded by the owner subquery (a mail to queue, say). */
    effects?: (owner: SQL) => BatchItem<'sqlite'>[]
    before?: BatchItem<'sqlite'>[]
    after?: BatchItem<'sqlite'>[]
  },
) {
  let signingIn: Awaited<ReturnType<typeof prepareSignIn>> | undefined
  const outcome = await spendOneTimeToken(
    db,
    match,
    async (owner) => {
      signingIn = await prepareSignIn(db, owner, options.who)
      const update = db
        .update(users)
        // A used link also proves mail reaches the address again: clear a bounce mark.
        .set({
          ...changes,
          emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${clock.now()})`,
          mailBouncedAt: null,
          mailBounceType: null,
          updatedAt: clock.now(),
        })
        .where(inArray(users.id, owner))
        .returning()
      // Every kind of link proves the mailbox, so every one verifies the address.
      const revoke = options.revokeSessions ? [deleteUserSessions(db, owner)] : []
      const events = (options.events ?? []).map((type) => recordEvent(db, owner, type, options.who.client))
      return [update, ...revoke, ...signingIn.statements, ...events, ...(options.effects?.(owner) ?? [])]
    },
    options,
  )
  const firstEffect = (options.before?.length ?? 0) + 1
  const user = (outcome?.results[firstEffect] as User[] | undefined)?.[0]
  const signInAt = firstEffect + 1 + (options.revokeSessions ? 1 : 0)
  const signedIn =
    user && outcome?.spent && signingIn
      ? {
          user,
          sessionToken: signingIn.token,
          fromForgot: outcome.spent.fromForgot,
          ...newDeviceNotice(signingIn.queued(outcome.results, signInAt)),
        }
      : null
  return { signedIn, results: outcome?.results ?? [] }
}

/**
 * Saves the profile. A new password revokes every other session of the
 * user (this one stays), is recorded, and queues the "password changed"
 * notice, in the same batch. Returns the outbox ids to send.
 */
export async function updateProfile(
  db: Database,
  user: User,
  keepSessionId: string,
  changes: { name: string; passwordHash?: string },
  notice: { client: Client; mail: BatchItem<'sqlite'> },
) {
  const update = db
    .update(users)
    .set({ ...changes, updatedAt: clock.now() })
    .where(eq(users.id, user.id))
  if (!changes.passwordHash) return void (await update)
  const results = await db.batch([
    update,
    deleteUserSessions(db, user.id, keepSessionId),
    recordEvent(db, user.id, 'password_changed', notice.client),
    notice.mail,
  ])
  return queuedIds(results.at(-1))
}

/** The sign-in batch queued a notice exactly when the device was new to the account. */
function newDeviceNotice(queued: string[]) {
  return { newDevice: queued.length > 0, queued }
}
