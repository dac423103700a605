import { and, eq, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { secondSteps, sessions, users, type SignInMethod, type User } from '../db/schema'
import { queueMail, twoStepMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { findFirstStep, SECOND_STEP_LIFETIME } from './first-step'
import { SECOND_STEP_ATTEMPTS, SECOND_STEP_FAILURES } from './limits'
import { skipSecondStepHere } from './known-devices'
import { countUnusedRecoveryCodes } from './recovery-codes'
import { hashSecret } from './secrets'
import { startedSession, startSession, type SignInContext } from './start-session'
import { accountKey, hit, refund } from './throttle'
import { checkSecondFactor, factorStillHolds, spendSecondFactor } from './two-step'

// Sign-in's second step. Every way in that proves one factor (password,
// mailed link or code, confirmation, reset) reaches startSession; for an
// account with two-step on it starts no session there but holds the first
// step (src/auth/first-step.ts), and only passSecondStep — a current app
// code or an unused recovery code — turns it into one.

/**
 * The second step. Counted first, before any code is checked (countAttempt;
 * past the held first step's tries it is spent: sign in again). Then, in one batch guarded by the first step still held and the factor
 * still good: the session (startSession, as for every way in, started when
 * the first step was proven), the attempt given back, a recovery code's
 * event, the factor spent and the first step spent — last, since they
 * change what the guard reads. Of two requests with one code, one session.
 */
export async function passSecondStep(
  db: Database,
  config: Config,
  held: { token: string | undefined; deviceHash: string },
  answer: { code: string | undefined; rememberHere: boolean },
  whoFor: (method: SignInMethod) => Promise<SignInContext>,
) {
  const found = await findFirstStep(db, held.token, held.deviceHash)
  if (!found) return { outcome: 'expired' as const }
  const { step, user, tokenHash } = found
  const who = await whoFor(step.method)
  const counted = await countAttempt(db, user.email, who.deviceHash, tokenHash)
  if (counted.outcome === 'spent') {
    await db.delete(secondSteps).where(eq(secondSteps.tokenHash, tokenHash))
    return { outcome: 'expired' as const }
  }
  if (counted.outcome === 'throttled') return counted
  const factor = await checkSecondFactor(config, user, answer.code)
  if (!factor) return { outcome: 'wrong' as const }
  const guarded = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id}
    AND EXISTS (SELECT 1 FROM ${secondSteps} WHERE ${secondSteps.tokenHash} = ${tokenHash} AND ${secondSteps.expiresAt} > ${clock.now()})
    AND ${factorStillHolds(user.id, factor)})`
  const batch = createBatch(db)
  const session = await startSession(batch, guarded, { ...who, method: step.method, secondStepDone: true }, step.createdAt)
  batch.add(refund(db, counted.key, sql`EXISTS ${guarded}`))
  // After startSession remembered the browser: its row is there to mark.
  if (answer.rememberHere) batch.add(skipSecondStepHere(db, guarded, who.deviceHash))
  if (factor.kind === 'recovery') batch.add(recordEvent(db, guarded, 'recovery_code_used', who.client))
  // Last, and only once this batch's session exists: they change what the guard reads, and a wrong or
  // already-spent code must leave the first step (for another try) and any other code alone.
  const started = sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.tokenHash} = ${await hashSecret(session.token)})`
  batch.add(spendSecondFactor(db, user.id, factor, started))
  batch.add(db.delete(secondSteps).where(and(eq(secondSteps.tokenHash, tokenHash), started)))
  const signedIn = startedSession(await batch.commit(), session)
  if (!signedIn?.sessionToken) return { outcome: 'wrong' as const }
  const queued = factor.kind === 'recovery' ? await recoveryCodeNotice(db, config, user, who) : []
  return { outcome: 'ok' as const, signedIn: { ...signedIn, sessionToken: signedIn.sessionToken, user, queued: [...signedIn.queued, ...queued] } }
}

/** "Usó un código de recuperación (le quedan N)", counted after the batch that spent it. */
async function recoveryCodeNotice(db: Database, config: Config, user: { id: string; email: string; name: string; emailVerifiedAt: number | null }, who: SignInContext) {
  const [unused] = await countUnusedRecoveryCodes(db, user.id)
  const mail = twoStepMail(config, user, { kind: 'recovery-used', left: unused?.count ?? 0 }, who.client, clock.now())
  return queuedIds(await queueMail(db, config, mail).insert)
}


/**
 * A code typed on Seguridad (turning two-step off, new recovery codes):
 * counted first against the same per-account limit as the second step,
 * then checked. The batch that acts checks the factor again (factorStillHolds).
 */
export async function checkSecondFactorCounted(db: Database, config: Config, user: User, typed: string | undefined, deviceHash: string | null) {
  const counted = await countAttempt(db, user.email, deviceHash)
  if (counted.outcome === 'throttled') return counted
  const factor = await checkSecondFactor(config, user, typed)
  return factor ? { outcome: 'ok' as const, factor } : { outcome: 'wrong' as const }
}

/**
 * Counts one attempt before any code is checked, in one atomic statement
 * per counter (parallel guesses each see their own count): per account
 * (SECOND_STEP_FAILURES; the owner's known browsers count apart, see
 * accountKey) and, at sign-in, per held first step (SECOND_STEP_ATTEMPTS,
 * then it is spent). `key` gives a right answer's attempt back.
 */
async function countAttempt(db: Database, email: string, deviceHash: string | null, firstStepHash?: string) {
  const batch = createBatch(db)
  const perAccount = batch.add(hit(db, await accountKey('second-step', email, deviceHash), SECOND_STEP_FAILURES.window))
  const perFirstStep = firstStepHash ? batch.add(hit(db, `second-step:first-step:${firstStepHash}`, SECOND_STEP_LIFETIME)) : null
  const done = await batch.commit()
  const [account] = done.of(perAccount)
  const [tries] = perFirstStep ? done.of(perFirstStep) : []
  if (tries && tries.count > SECOND_STEP_ATTEMPTS) return { outcome: 'spent' as const }
  if (account!.count > SECOND_STEP_FAILURES.limit) return { outcome: 'throttled' as const, retryAfterSeconds: Math.max(1, Math.ceil((account!.resetAt - clock.now()) / 1000)) }
  return { outcome: 'counted' as const, key: account!.key }
}
