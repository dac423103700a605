import { createId } from '@paralleldrive/cuid2'
import { and, eq, inArray, lte, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { sessions, users, type User } from '../db/schema'
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from './passwords'
import { deleteUserSessions, newSession } from './sessions'
import type { BatchItem } from 'drizzle-orm/batch'
import { newOneTimeToken, spendOneTimeToken, type TokenMatch } from './tokens'

export const MAX_NAME_LENGTH = 100

export function findUserByEmail(db: Database, email: string) {
  return db.select().from(users).where(eq(users.email, email)).get()
}

/**
 * Creates an unverified account and its verification token in one batch.
 * The password is hashed before we know whether the address is taken, so
 * both answers cost the same time. The UNIQUE constraint is the check (no
 * read-then-write race): a taken address rolls the batch back and returns
 * { taken: true }, and the caller mails the owner instead.
 */
export async function registerUser(db: Database, pepper: string | null, input: { name: string; email: string; password: string }) {
  const passwordHash = await hashPassword(input.password, pepper)
  const now = clock.now()
  const id = createId()
  const verification = await newOneTimeToken(db, id, 'email_verification')
  try {
    await db.batch([
      db.insert(users).values({ id, email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now }),
      verification.insert,
    ])
  } catch (error) {
    if (isUniqueEmailViolation(error)) return { taken: true as const }
    throw error
  }
  return { taken: false as const, user: { id, name: input.name, email: input.email }, token: verification.token }
}

/**
 * Checks an email and password. Unknown addresses are verified against a
 * dummy hash so they take as long as a wrong password. On success, also
 * returns the upgraded hash when the stored one uses old parameters.
 */
export async function authenticate(db: Database, pepper: string | null, email: string, password: string) {
  const user = await findUserByEmail(db, email)
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH, pepper)
  if (!user || !ok) return null
  const upgradedHash = needsRehash(user.passwordHash, pepper) ? await hashPassword(password, pepper) : null
  return { user, upgradedHash }
}

/**
 * Starts a session after a password sign-in. In the same batch: the user's
 * expired sessions are swept (nothing else deletes them), and a rehash, if
 * any, is saved.
 */
export async function signIn(db: Database, user: User, upgradedHash: string | null) {
  const session = await newSession(db, user.id)
  const sweep = db.delete(sessions).where(and(eq(sessions.userId, user.id), lte(sessions.expiresAt, clock.now())))
  const rehash = upgradedHash && db.update(users).set({ passwordHash: upgradedHash }).where(eq(users.id, user.id))
  await db.batch(rehash ? [session.insert, sweep, rehash] : [session.insert, sweep])
  return session.token
}

/**
 * Spends a mailed link (or a login code) and signs its owner in on a fresh
 * session, in one atomic batch: the user row changes (`changes`), other
 * sessions are revoked when asked, the new session is created, the token and
 * its siblings die. `signedIn` is null for a used, expired or forged link;
 * `results` are those of the `before` statements (e.g. throttle counts).
 */
export async function spendLinkAndSignIn(
  db: Database,
  match: TokenMatch | null,
  changes: Partial<typeof users.$inferInsert>,
  options: { revokeSessions: boolean; before?: BatchItem<'sqlite'>[]; after?: BatchItem<'sqlite'>[] },
) {
  let sessionToken = ''
  const outcome = await spendOneTimeToken(
    db,
    match,
    async (owner) => {
      const session = await newSession(db, owner)
      sessionToken = session.token
      const update = db
        .update(users)
        .set({ ...changes, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${clock.now()})`, updatedAt: clock.now() })
        .where(inArray(users.id, owner))
        .returning()
      // Every kind of link proves the mailbox, so every one verifies the address.
      return options.revokeSessions ? [update, deleteUserSessions(db, owner), session.insert] : [update, session.insert]
    },
    options,
  )
  const firstEffect = (options.before?.length ?? 0) + 1
  const user = (outcome?.results[firstEffect] as User[] | undefined)?.[0]
  const signedIn = user && outcome?.spent ? { user, sessionToken, fromForgot: outcome.spent.fromForgot } : null
  return { signedIn, results: outcome?.results ?? [] }
}

function isUniqueEmailViolation(error: unknown): boolean {
  const message = String((error as { cause?: unknown })?.cause ?? error)
  return /UNIQUE constraint failed: users\.email/.test(message)
}

/**
 * Saves the profile. A new password revokes every other session of the
 * user (this one stays) in the same batch.
 */
export async function updateProfile(db: Database, user: User, keepSessionId: string, changes: { name: string; passwordHash?: string }) {
  const update = db
    .update(users)
    .set({ ...changes, updatedAt: clock.now() })
    .where(eq(users.id, user.id))
  if (changes.passwordHash) await db.batch([update, deleteUserSessions(db, user.id, keepSessionId)])
  else await update
}
