import { and, eq, gt, inArray, lte, sql, type SQL } from 'drizzle-orm'
import { clock, MINUTE } from '../clock'
import type { Batch } from '../db/batch'
import type { Database } from '../db/client'
import { secondSteps, users, type SignInMethod } from '../db/schema'
import { accountIdQuery, type AccountRef } from './account-ref'
import { skipsSecondStep } from './known-devices'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

// A first step proven (password, mailed link or code, confirmation, reset)
// on an account with two-step on: startSession holds it here instead of
// starting a session, for one browser and a few minutes, until sign-in's
// second step (src/auth/second-step.ts) spends it.

/** How long a proven first step waits for the second. */
export const SECOND_STEP_LIFETIME = 5 * MINUTE

/**
 * The account `account` yields, only while a one-factor sign-in may start a
 * session for it: two-step off, or this browser remembered for 30 days
 * ("No volver a pedir en este dispositivo").
 */
export function withoutSecondStep(account: AccountRef, deviceHash: string): SQL {
  return sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} IN ${accountIdQuery(account)} AND (${users.twoStepSecret} IS NULL OR ${skipsSecondStep(sql`${users.id}`, deviceHash)}))`
}

/**
 * The first step, held for this browser: a random secret (the cookie's;
 * only its hash stored), bound to the account and this browser's device id,
 * for SECOND_STEP_LIFETIME — written only for an account with two-step on,
 * in the batch of the way in. Read the outcome with heldFirstStep.
 */
export async function holdFirstStep(batch: Batch, account: AccountRef, who: { method: SignInMethod; deviceHash: string }, at = clock.now()) {
  const { secret, hash } = await generateSecret()
  // Columns in table order: token_hash, user_id, method, device_hash, created_at, expires_at.
  const held = batch.add(
    batch.db
      .insert(secondSteps)
      .select(
        sql`SELECT ${hash}, ${users.id}, ${who.method}, ${who.deviceHash}, ${at}, ${at + SECOND_STEP_LIFETIME}
            FROM ${users} WHERE ${users.id} IN ${accountIdQuery(account)} AND ${users.twoStepSecret} IS NOT NULL AND NOT ${skipsSecondStep(sql`${users.id}`, who.deviceHash)}`,
      )
      .returning({ userId: secondSteps.userId }),
  )
  return { token: secret, held }
}

/** The held first step this browser's cookie names, with its account: read before the second step is checked. */
export async function findFirstStep(db: Database, token: string | undefined, deviceHash: string) {
  if (!isWellFormedSecret(token)) return null
  const tokenHash = await hashSecret(token)
  const row = await db
    .select({ step: secondSteps, user: users })
    .from(secondSteps)
    .innerJoin(users, eq(users.id, secondSteps.userId))
    // Bound to the browser it was proven in: the cookie alone, copied elsewhere, is not enough.
    .where(and(eq(secondSteps.tokenHash, tokenHash), eq(secondSteps.deviceHash, deviceHash), gt(secondSteps.expiresAt, clock.now())))
    .get()
  return row && row.user.twoStepSecret ? { ...row, tokenHash } : null
}

/** Whether this browser holds a live first step (the second-step page shows its form, or sends back to sign in). */
export async function hasFirstStep(db: Database, token: string | undefined, deviceHash: string) {
  return (await findFirstStep(db, token, deviceHash)) !== null
}

/** Held first steps past their 5 minutes carry nothing; the hourly sweep drops them. */
export function sweepSecondSteps(db: Database) {
  return db.delete(secondSteps).where(lte(secondSteps.expiresAt, clock.now()))
}

/**
 * Every first step held for the account, spent: two-step turned off, a new
 * password, "Cerrar todas las demás sesiones" — whoever proved the old
 * password and waits at the second step is out, like a session.
 */
export function dropFirstSteps(db: Database, account: AccountRef) {
  return db.delete(secondSteps).where(inArray(secondSteps.userId, accountIdQuery(account)))
}
