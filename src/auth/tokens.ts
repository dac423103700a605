import { createId } from '@paralleldrive/cuid2'
import { and, eq, gt, inArray, lte, ne, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock, DAY, HOUR, MINUTE } from '../clock'
import { createBatch, type Batch } from '../db/batch'
import type { Database } from '../db/client'
import { oneTimeTokens, users, type TokenPurpose } from '../db/schema'
import { ownerQuery } from './owner'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

/** How long a link in a mail stays good. */
export const TOKEN_LIFETIME: Record<TokenPurpose, number> = {
  password_reset: HOUR,
  email_verification: DAY,
  login: 15 * MINUTE,
}

/**
 * Makes a one-time token for a mail link, for the account with this id or
 * email, and only `when` a condition holds (a mail budget, say). Returns the
 * secret (for the mail only) and the insert, which yields the owner's id if
 * a row was written, so callers can batch it with the state that caused it.
 */
export async function newOneTimeToken(
  db: Database,
  owner: { userId: string } | { email: string },
  purpose: TokenPurpose,
  options: { when?: SQL; browserHash?: string; codeHash?: string; fromForgot?: boolean; next?: string | null } = {},
) {
  const { secret, hash } = await generateSecret()
  const now = clock.now()
  const account = 'userId' in owner ? eq(users.id, owner.userId) : eq(users.email, owner.email)
  // Columns in table order: id, token_hash, user_id, purpose, created_at, expires_at, browser_hash, code_hash, from_forgot, next.
  const insert = db
    .insert(oneTimeTokens)
    .select(
      sql`SELECT ${createId()}, ${hash}, ${users.id}, ${purpose}, ${now}, ${now + TOKEN_LIFETIME[purpose]},
                 ${options.browserHash ?? null}, ${options.codeHash ?? null}, ${options.fromForgot ? 1 : 0}, ${options.next ?? null}
          FROM ${users} WHERE ${and(account, options.when ?? sql`true`)}`,
    )
    .returning({ userId: oneTimeTokens.userId })
  return { token: secret, insert, expiresAt: now + TOKEN_LIFETIME[purpose] }
}

/** Expired links of every kind carry nothing; indexed, so cheap to drop in passing. */
export function sweepExpiredTokens(db: Database) {
  return db.delete(oneTimeTokens).where(lte(oneTimeTokens.expiresAt, clock.now()))
}

/**
 * Looks a token up without spending it. Used by GET pages, which must never
 * spend a token: mail scanners (Outlook Safe Links and others) open links
 * before people do.
 */
export async function findOneTimeToken(db: Database, token: string | undefined, purpose: TokenPurpose) {
  const match = await matchToken(token, purpose)
  return match ? ((await findTokenOwner(db, match).get()) ?? null) : null
}

/** The account behind a live token, as a read for the caller's batch; spends nothing. */
export function findTokenOwner(db: Database, match: TokenMatch) {
  return db
    .select({ userId: oneTimeTokens.userId, name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
    .from(oneTimeTokens)
    .innerJoin(users, eq(users.id, oneTimeTokens.userId))
    .where(and(match.where, isLive(match.purpose)))
}

/** The same account as a subquery yielding its id while the token is live: `x IN owner`, `FROM owner`. */
export function tokenOwnerQuery(db: Database, match: TokenMatch) {
  // Parenthesised and aliased `id` so it reads as `x IN owner` and `FROM owner`.
  return sql`(${db
    .select({ id: sql<string>`${oneTimeTokens.userId}`.as('id') })
    .from(oneTimeTokens)
    .where(and(match.where, isLive(match.purpose)))})`
}

/** Which live token to spend: by the secret in a link, or (login codes) by another condition. */
export type TokenMatch = { purpose: TokenPurpose; where: SQL }

export async function matchToken(token: string | undefined, purpose: TokenPurpose): Promise<TokenMatch | null> {
  if (!isWellFormedSecret(token)) return null
  return { purpose, where: eq(oneTimeTokens.tokenHash, await hashSecret(token)) }
}

/**
 * A live token, opened in a batch that is about to spend it: `found` reads
 * its row (who, from where, going where), `owner` is a subquery yielding its
 * account's id while the token is live. Every effect the batch adds after
 * this must be guarded by `owner`, and the batch must end with spendToken
 * (or spendAllTokens): the guards read the row that spending deletes. Two
 * simultaneous submissions of one link serialize in D1: the second sees no
 * live token, its effects match no row, and its `found` is empty.
 */
export function openToken(batch: Batch, match: TokenMatch) {
  const { db } = batch
  const found = batch.add(
    db
      .select({ userId: oneTimeTokens.userId, fromForgot: oneTimeTokens.fromForgot, next: oneTimeTokens.next })
      .from(oneTimeTokens)
      .where(and(match.where, isLive(match.purpose))),
  )
  return { found, owner: tokenOwnerQuery(db, match), purpose: match.purpose }
}

export type OpenToken = ReturnType<typeof openToken>

/** Spends an opened token and its siblings (every token of its purpose for the owner): the link and the code it came with die together. */
export function spendToken(batch: Batch, token: OpenToken) {
  return batch.add(batch.db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.purpose, token.purpose), inArray(oneTimeTokens.userId, token.owner))))
}

/**
 * Spends a token and applies its effects in one batch (openToken, the
 * effects, spendToken): for a caller with nothing else in the batch.
 * Null for a malformed token; `spent` is null when no live token matched.
 */
export async function spendOneTimeToken(db: Database, match: TokenMatch | null, effects: (owner: SQL) => Promise<BatchItem<'sqlite'>[]>) {
  if (!match) return null
  const batch = createBatch(db)
  const token = openToken(batch, match)
  for (const effect of await effects(token.owner)) batch.add(effect)
  spendToken(batch, token)
  const [spent] = (await batch.commit()).of(token.found)
  return { spent: spent ?? null }
}

/**
 * Every outstanding link and code of the account — sign-in, verification,
 * reset — for the batch of a completed reset: a link mailed before it must
 * not open the account after it.
 */
export function spendAllTokens(db: Database, owner: string | SQL) {
  return db.delete(oneTimeTokens).where(inArray(oneTimeTokens.userId, ownerQuery(owner)))
}

/**
 * Every outstanding link and code of the account but its reset links, for
 * the batch of a password change on the profile. The reset links stay: a
 * reset is what evicts whoever changed the password (the mailbox is the
 * root of trust), so someone holding a session — the old password, a
 * borrowed laptop — who changes it, even every few seconds, cannot kill
 * the owner's way back in while her budget for more links is spent.
 */
export function spendTokensButResetLinks(db: Database, owner: string | SQL) {
  return db.delete(oneTimeTokens).where(and(inArray(oneTimeTokens.userId, ownerQuery(owner)), ne(oneTimeTokens.purpose, 'password_reset')))
}

function isLive(purpose: TokenPurpose) {
  return and(eq(oneTimeTokens.purpose, purpose), gt(oneTimeTokens.expiresAt, clock.now()))
}
