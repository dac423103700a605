import { and, eq, gt, isNull, lte } from 'drizzle-orm'
import { clock, MINUTE } from '../clock'
import type { Database } from '../db/client'
import { webauthnChallenges, type Ceremony } from '../db/schema'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

/** A passkey dialog left open longer than this starts over (the browser's own timeout is the same). */
export const CHALLENGE_LIFETIME = 5 * MINUTE

/**
 * What a challenge is bound to: the browser that asked (its __Host-webauthn
 * cookie), the ceremony, and for a registration the account. A challenge
 * issued for one of these never verifies for another.
 */
export type ChallengeBinding = { browserHash: string; ceremony: Ceremony; userId: string | null }

/**
 * A fresh challenge (32 random bytes, base64url: what the authenticator
 * signs) and the insert that stores its SHA-256 with its binding, for the
 * caller's batch.
 */
export async function issueChallenge(db: Database, binding: ChallengeBinding) {
  const { secret: challenge, hash } = await generateSecret()
  const insert = db.insert(webauthnChallenges).values({ challengeHash: hash, ...binding, expiresAt: clock.now() + CHALLENGE_LIFETIME })
  return { challenge, insert }
}

/**
 * Spends the challenge a response carries, if it is live and bound exactly
 * to this browser, ceremony and account: one `DELETE … RETURNING` for the
 * caller's batch, which D1 runs atomically, so of two responses racing with
 * the same challenge one gets the row and the other nothing. Spent whatever
 * the verification then says: a challenge is good for one try. Null when
 * nothing could match (a malformed challenge, no browser cookie).
 */
export async function spendChallenge(db: Database, challenge: string, binding: ChallengeBinding | { browserHash: null }) {
  if (!isWellFormedSecret(challenge) || !binding.browserHash) return null
  const { browserHash, ceremony, userId } = binding as ChallengeBinding
  // Wrapped: a drizzle query is a thenable, and an async function would run it on return.
  return {
    statement: db
      .delete(webauthnChallenges)
      .where(
        and(
          eq(webauthnChallenges.challengeHash, await hashSecret(challenge)),
          eq(webauthnChallenges.browserHash, browserHash),
          eq(webauthnChallenges.ceremony, ceremony),
          userId ? eq(webauthnChallenges.userId, userId) : isNull(webauthnChallenges.userId),
          gt(webauthnChallenges.expiresAt, clock.now()),
        ),
      )
      .returning({ challengeHash: webauthnChallenges.challengeHash }),
  }
}

/** The hourly sweep (src/maintenance.ts): challenges nobody answered. */
export function sweepChallenges(db: Database) {
  return db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, clock.now()))
}
