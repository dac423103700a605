import { and, eq } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { users, type User } from '../db/schema'
import { createBatch } from '../db/batch'
import { hasPassword } from './accounts'
import { CONFIRMATION_RESENDS_PER_IP, LOGIN_FAILURES } from './limits'
import { accountFound, whileHashIs } from './account-ref'
import { dummyHashFor, hashPassword, needsRehash, verifyPassword, type PasswordHashing } from './passwords'
import { startedSession, startSession, type SignInContext } from './start-session'
import { failedSignInKey, hit, passwordAttemptKey, refund } from './throttle'

// Password checks: sign-in, and re-authentication on the profile. Both
// count the attempt before hashing, against the same per-account limit.

/**
 * Checks an email and password. The attempt is counted first, in one
 * atomic statement that returns the new count (the account's shared
 * counter, or this browser's own if it has signed in to the account before;
 * see accountKey): only attempts within the limit reach PBKDF2, however many
 * arrive at once. Unknown addresses and accounts without a password are
 * verified against a dummy hash, so every answer costs the same. An
 * unconfirmed account with the right password answers `unconfirmed`, which
 * callers show exactly like `failed`: only someone who confirmed the
 * address may use the password chosen at sign-up.
 */
export async function authenticate(db: Database, hashing: PasswordHashing, email: string, password: string, from: { ip: string | null; deviceHash: string | null }) {
  const key = await passwordAttemptKey(email, from.deviceHash)
  const batch = createBatch(db)
  const counted = batch.add(hit(db, key, LOGIN_FAILURES.window))
  // Every sign-in from this IP, whatever its outcome (a right one is given
  // back in signIn): confirmations sent again are held by it (mailBudget).
  batch.add(hit(db, failedSignInKey(from.ip), CONFIRMATION_RESENDS_PER_IP.window))
  const found = batch.add(db.select().from(users).where(eq(users.email, email)))
  const done = await batch.commit()
  const [attempt] = done.of(counted)
  const [user] = done.of(found)
  const throttled = throttledFor(attempt!)
  if (throttled) return throttled
  const ok = await verifyPassword(password, user && hasPassword(user) ? user.passwordHash : dummyHashFor(hashing), hashing.pepper)
  if (!user || !ok) return { outcome: 'failed' as const, user: user ?? null }
  if (!user.emailVerifiedAt) return { outcome: 'unconfirmed' as const, user }
  const upgradedHash = needsRehash(user.passwordHash, hashing) ? await hashPassword(password, hashing) : null
  return { outcome: 'ok' as const, user, upgradedHash, attemptKey: attempt!.key, failedSignInKey: failedSignInKey(from.ip) }
}

/**
 * Starts a session after a password sign-in, in one batch guarded by the
 * hash that was verified (whileHashIs): the session, device and event, the
 * attempt given back (on the account's counter and the IP's failed
 * sign-ins), and a rehash, if any. Returns null when the password
 * changed since it was checked.
 */
export async function signIn(db: Database, user: User, checked: { attemptKey: string; failedSignInKey: string; upgradedHash: string | null }, who: SignInContext) {
  const account = whileHashIs(user)
  const batch = createBatch(db)
  const session = await startSession(batch, account, who)
  batch.add(refund(db, checked.attemptKey, accountFound(account)))
  batch.add(refund(db, checked.failedSignInKey, accountFound(account)))
  // Last: it changes the hash the guard above reads.
  if (checked.upgradedHash) {
    batch.add(db.update(users).set({ passwordHash: checked.upgradedHash }).where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash))))
  }
  const started = startedSession(await batch.commit(), session)
  return started && { ...started, user }
}

/**
 * The profile's "Contraseña actual": counted against the same limit as
 * sign-in before anything is hashed. `attemptKey` (to give the attempt back
 * in the batch that saves) when it is right.
 */
export async function reauthenticate(db: Database, hashing: PasswordHashing, user: User, password: string, deviceHash: string | null) {
  const [attempt] = await hit(db, await passwordAttemptKey(user.email, deviceHash), LOGIN_FAILURES.window)
  const throttled = throttledFor(attempt!)
  if (throttled) return throttled
  const ok = await verifyPassword(password, hasPassword(user) ? user.passwordHash : dummyHashFor(hashing), hashing.pepper)
  return ok ? { outcome: 'ok' as const, attemptKey: attempt!.key } : { outcome: 'failed' as const }
}

/** Over the limit: refused before hashing, with how long until the window ends. */
function throttledFor(attempt: { count: number; resetAt: number }) {
  if (attempt.count <= LOGIN_FAILURES.limit) return null
  return { outcome: 'throttled' as const, retryAfterSeconds: Math.max(1, Math.ceil((attempt.resetAt - clock.now()) / 1000)) }
}
