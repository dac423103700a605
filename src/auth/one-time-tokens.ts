import { newId } from '../db/ids'
import { and, eq, gt, inArray, lte, ne, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock, DAY, HOUR, MINUTE } from '../clock'
import { createBatch, type Batch } from '../db/batch'
import type { Database } from '../db/client'
import { oneTimeTokens, users, type TokenPurpose } from '../db/schema'
import { accountIdQuery, type AccountRef } from './account-ref'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

/** How long a mailed link (and an access link's code) stays good, by purpose; an app's signed token is APP_TOKEN_LIFETIME. */
export const ONE_TIME_TOKEN_LIFETIME: Record<TokenPurpose, number> = {
  password_reset: HOUR,
  email_verification: DAY,
  login: 15 * MINUTE,
}

/**
 * Makes a one-time token for a mail link, for the account with this id or
 * email, and only `when` a condition holds (a mail budget, say). Returns the
 * secret (for the mail only) and the insert, which yields the account's id if
 * a row was written, so callers can batch it with the state that caused it.
 */
export async function newOneTimeToken(
  db: Database,
  account: { userId: string } | { email: string },
  purpose: TokenPurpose,
  options: { when?: SQL; browserHash?: string; codeHash?: string; fromForgot?: boolean; next?: string | null } = {},
) {
  const { secret, hash } = await generateSecret()
  const now = clock.now()
  const which = 'userId' in account ? eq(users.id, account.userId) : eq(users.email, account.email)
  // Columns in table order: id, token_hash, user_id, purpose, created_at, expires_at, browser_hash, code_hash, from_forgot, next.
  const insert = db
    .insert(oneTimeTokens)
    .select(
      sql`SELECT ${newId()}, ${hash}, ${users.id}, ${purpose}, ${now}, ${now + ONE_TIME_TOKEN_LIFETIME[purpose]},
                 ${options.browserHash ?? null}, ${options.codeHash ?? null}, ${options.fromForgot ? 1 : 0}, ${options.next ?? null}
          FROM ${users} WHERE ${and(which, options.when ?? sql`true`)}`,
    )
    .returning({ userId: oneTimeTokens.userId })
  return { token: secret, insert, expiresAt: now + ONE_TIME_TOKEN_LIFETIME[purpose] }
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
  const selector = await tokenBySecret(token, purpose)
  return selector ? ((await findTokenAccount(db, selector).get()) ?? null) : null
}

/** The account behind a live token, as a read for the caller's batch; spends nothing. */
export function findTokenAccount(db: Database, selector: TokenSelector) {
  return db
    .select({ userId: oneTimeTokens.userId, name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
    .from(oneTimeTokens)
    .innerJoin(users, eq(users.id, oneTimeTokens.userId))
    .where(and(selector.where, isLive(selector.purpose)))
}

/** The same account as a subquery yielding its id while the token is live: `x IN opens`, `FROM opens`. */
export function accountOpenedBy(db: Database, selector: TokenSelector) {
  // Parenthesised and aliased `id` so it reads as `x IN opens` and `FROM opens`.
  return sql`(${db
    .select({ id: sql<string>`${oneTimeTokens.userId}`.as('id') })
    .from(oneTimeTokens)
    .where(and(selector.where, isLive(selector.purpose)))})`
}

/** Which live token a batch reads or spends: by the secret in a link, or (access-link codes) by another condition. Selecting spends nothing. */
export type TokenSelector = { purpose: TokenPurpose; where: SQL }

/** The selector of the token whose secret this is; null for text that cannot be one. */
export async function tokenBySecret(token: string | undefined, purpose: TokenPurpose): Promise<TokenSelector | null> {
  if (!isWellFormedSecret(token)) return null
  return { purpose, where: eq(oneTimeTokens.tokenHash, await hashSecret(token)) }
}

/**
 * A live token, opened in a batch that is about to spend it: `found` reads
 * its row (who, from where, going where), `opens` is a subquery yielding its
 * account's id while the token is live. Every effect the batch adds after
 * this must be guarded by `opens`, and the batch must end with spendToken
 * (or spendAllTokens): the guards read the row that spending deletes. Two
 * simultaneous submissions of one link serialize in D1: the second sees no
 * live token, its effects match no row, and its `found` is empty.
 */
export function openToken(batch: Batch, selector: TokenSelector) {
  const { db } = batch
  const found = batch.add(
    db
      .select({ userId: oneTimeTokens.userId, fromForgot: oneTimeTokens.fromForgot, next: oneTimeTokens.next })
      .from(oneTimeTokens)
      .where(and(selector.where, isLive(selector.purpose))),
  )
  return { found, opens: accountOpenedBy(db, selector), purpose: selector.purpose }
}

export type OpenToken = ReturnType<typeof openToken>

/** Spends an opened token and its siblings (every token of its purpose for the account it opens): the link and the code it came with die together. */
export function spendToken(batch: Batch, token: OpenToken) {
  return batch.add(batch.db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.purpose, token.purpose), inArray(oneTimeTokens.userId, token.opens))))
}

/**
 * Spends a token and applies its effects in one batch (openToken, the
 * effects, spendToken): for a caller with nothing else in the batch.
 * Null for a malformed token; `spent` is null when no live token matched.
 */
export async function spendOneTimeToken(db: Database, selector: TokenSelector | null, effects: (opens: SQL) => Promise<BatchItem<'sqlite'>[]>) {
  if (!selector) return null
  const batch = createBatch(db)
  const token = openToken(batch, selector)
  for (const effect of await effects(token.opens)) batch.add(effect)
  spendToken(batch, token)
  const [spent] = (await batch.commit()).of(token.found)
  return { spent: spent ?? null }
}

/**
 * Every outstanding link and code of the account — sign-in, verification,
 * reset — for the batch of a completed reset: a link mailed before it must
 * not open the account after it.
 */
export function spendAllTokens(db: Database, account: AccountRef) {
  return db.delete(oneTimeTokens).where(inArray(oneTimeTokens.userId, accountIdQuery(account)))
}

/**
 * Every outstanding link and code of the account but its reset links, for
 * the batch of a password change on the profile. The reset links stay: a
 * reset is what evicts whoever changed the password (the mailbox is the
 * root of trust), so someone holding a session — the old password, a
 * borrowed laptop — who changes it, even every few seconds, cannot kill
 * the owner's way back in while her budget for more links is spent.
 */
export function spendTokensButResetLinks(db: Database, account: AccountRef) {
  return db.delete(oneTimeTokens).where(and(inArray(oneTimeTokens.userId, accountIdQuery(account)), ne(oneTimeTokens.purpose, 'password_reset')))
}

function isLive(purpose: TokenPurpose) {
  return and(eq(oneTimeTokens.purpose, purpose), gt(oneTimeTokens.expiresAt, clock.now()))
}
