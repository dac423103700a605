import { createId } from '@paralleldrive/cuid2'
import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock, DAY, HOUR } from '../clock'
import type { Database } from '../db/client'
import { oneTimeTokens, type TokenPurpose } from '../db/schema'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

/** How long a link in a mail stays good. */
export const TOKEN_LIFETIME: Record<TokenPurpose, number> = {
  password_reset: HOUR,
  email_verification: DAY,
}

/**
 * Makes a one-time token for a mail link. Returns the secret (for the mail
 * only) and the insert, so callers can put it in the same D1 batch as the
 * state that caused it.
 */
export async function newOneTimeToken(db: Database, userId: string, purpose: TokenPurpose) {
  const { secret, hash } = await generateSecret()
  const now = clock.now()
  const insert = db.insert(oneTimeTokens).values({
    id: createId(),
    tokenHash: hash,
    userId,
    purpose,
    createdAt: now,
    expiresAt: now + TOKEN_LIFETIME[purpose],
  })
  return { token: secret, insert }
}

/**
 * Looks a token up without spending it. Used by GET pages, which must never
 * spend a token: mail scanners (Outlook Safe Links and others) open links
 * before people do.
 */
export async function findOneTimeToken(db: Database, token: string | undefined, purpose: TokenPurpose) {
  if (!isWellFormedSecret(token)) return null
  const row = await db
    .select({ userId: oneTimeTokens.userId })
    .from(oneTimeTokens)
    .where(isLive(await hashSecret(token), purpose))
    .get()
  return row ?? null
}

/**
 * Spends a token and applies its effects in one D1 batch (one transaction,
 * one round trip). `effects` receives a subquery that yields the owner's id
 * while the token is live; every effect must be guarded by it. The last
 * statement deletes every token of this purpose for the owner, so the link
 * and its siblings die together. Two simultaneous submissions of one link
 * serialize in D1: the second sees no live token, its effects match no row,
 * and it gets null.
 */
export async function spendOneTimeToken(
  db: Database,
  token: string | undefined,
  purpose: TokenPurpose,
  effects: (owner: SQL) => Promise<BatchItem<'sqlite'>[]>,
): Promise<{ userId: string; results: unknown[] } | null> {
  if (!isWellFormedSecret(token)) return null
  const hash = await hashSecret(token)
  // Parenthesised and aliased `id` so it reads as `x IN owner` and `FROM owner`.
  const owner = sql`(${db
    .select({ id: sql<string>`${oneTimeTokens.userId}`.as('id') })
    .from(oneTimeTokens)
    .where(isLive(hash, purpose))})`
  const spend = db
    .delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.purpose, purpose), inArray(oneTimeTokens.userId, owner)))
    .returning({ userId: oneTimeTokens.userId, tokenHash: oneTimeTokens.tokenHash })
  const statements = [...(await effects(owner)), spend] as unknown as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]
  const results = (await db.batch(statements)) as unknown[]
  const spent = results.at(-1) as { userId: string; tokenHash: string }[]
  const userId = spent.find((row) => row.tokenHash === hash)?.userId
  return userId ? { userId, results } : null
}

function isLive(hash: string, purpose: TokenPurpose) {
  return and(eq(oneTimeTokens.tokenHash, hash), eq(oneTimeTokens.purpose, purpose), gt(oneTimeTokens.expiresAt, clock.now()))
}
