import { and, eq, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { secondSteps, sessions, users, type SignInMethod, type User } from '../db/schema'
import { queueMail, twoStepMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { findFirstStep, SECOND_STEP_LIFETIME } from './first-step'
import { SECOND_STEP_ATTEMPTS, SECOND_STEP_DAILY_FAILURES, SECOND_STEP_EVENT_WINDOW, SECOND_STEP_FAILURES, SECOND_STEP_NOTICE_WINDOW } from './limits'
import { skipSecondStepHere } from './known-devices'
import { countUnusedRecoveryCodes, looksLikeRecoveryCode, recoveryCodeExists } from './recovery-codes'
import { hashSecret } from './secrets'
import { startedSession, startSession, type SignInContext } from './start-session'
import { hit, refund, userKey, within } from './throttle'
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
  const counted = await countAttempt(db, user, answer.code, who.deviceHash, tokenHash)
  if (counted.outcome === 'spent') {
    await db.delete(secondSteps).where(eq(secondSteps.tokenHash, tokenHash))
    return { outcome: 'expired' as const }
  }
  if (counted.outcome === 'throttled') return counted
  const factor = await checkSecondFactor(config, user, answer.code)
  if (!factor) return { outcome: 'wrong' as const, queued: await reportWrongAnswer(db, config, { user, who, method: step.method, tokenHash }) }
  const guarded = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id}
    AND EXISTS (SELECT 1 FROM ${secondSteps} WHERE ${secondSteps.tokenHash} = ${tokenHash} AND ${secondSteps.expiresAt} > ${clock.now()})
    AND ${factorStillHolds(user.id, factor)})`
  const batch = createBatch(db)
  const session = await startSession(batch, guarded, { ...who, method: step.method, secondStepDone: true }, step.createdAt)
  for (const key of counted.refunds) batch.add(refund(db, key, sql`EXISTS ${guarded}`))
  // After startSession remembered the browser: its row is there to mark.
  if (answer.rememberHere) batch.add(skipSecondStepHere(db, guarded, who.deviceHash))
  if (factor.kind === 'recovery') batch.add(recordEvent(db, guarded, 'recovery_code_used', who.client))
  // Last, and only once this batch's session exists: they change what the guard reads, and a wrong or
  // already-spent code must leave the first step (for another try) and any other code alone.
  const started = sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.tokenHash} = ${await hashSecret(session.token)})`
  batch.add(spendSecondFactor(db, user.id, factor, started))
  batch.add(db.delete(secondSteps).where(and(eq(secondSteps.tokenHash, tokenHash), started)))
  const signedIn = startedSession(await batch.commit(), session)
  if (!signedIn?.sessionToken) {
    // Lost to a simultaneous request with the same code (the owner's double tap: not reported), or a
    // recovery-code-shaped answer that is none of this account's codes (a wrong answer like any other).
    const wrongRecoveryCode = factor.kind === 'recovery' ? sql`NOT ${recoveryCodeExists(user.id, factor.hash)}` : null
    return { outcome: 'wrong' as const, queued: wrongRecoveryCode ? await reportWrongAnswer(db, config, { user, who, method: step.method, tokenHash }, wrongRecoveryCode) : [] }
  }
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
 * counted first against the same per-account limits as the second step,
 * then checked. The batch that acts checks the factor again (factorStillHolds).
 */
export async function checkSecondFactorCounted(db: Database, config: Config, user: User, typed: string | undefined, deviceHash: string | null) {
  const counted = await countAttempt(db, user, typed, deviceHash)
  if (counted.outcome === 'throttled') return counted
  const factor = await checkSecondFactor(config, user, typed)
  return factor ? { outcome: 'ok' as const, factor } : { outcome: 'wrong' as const }
}

/**
 * Counts one attempt before any code is checked, in one atomic statement
 * per counter (parallel guesses each see their own count): per account, in
 * 15 minutes and in a day (SECOND_STEP_FAILURES, SECOND_STEP_DAILY_FAILURES;
 * the owner's known browsers count apart, see userKey) and, at sign-in, per
 * held first step (SECOND_STEP_ATTEMPTS, then it is spent). A recovery code
 * is counted only per first step: it cannot be guessed, and it is how an
 * owner whose app codes someone else used up still gets in. `refunds` give
 * a right answer's attempts back.
 */
async function countAttempt(db: Database, user: Pick<User, 'id' | 'email'>, typed: string | undefined, deviceHash: string | null, firstStepHash?: string) {
  const perAccount = !looksLikeRecoveryCode((typed ?? '').trim())
  const batch = createBatch(db)
  const shortWindow = perAccount ? batch.add(hit(db, userKey('second-step', user, deviceHash), SECOND_STEP_FAILURES.window)) : null
  const day = perAccount ? batch.add(hit(db, userKey('second-step-day', user, deviceHash), SECOND_STEP_DAILY_FAILURES.window)) : null
  const perFirstStep = firstStepHash ? batch.add(hit(db, `second-step:first-step:${firstStepHash}`, SECOND_STEP_LIFETIME)) : null
  const done = await batch.commit()
  const counters = [shortWindow && { row: done.of(shortWindow)[0]!, limit: SECOND_STEP_FAILURES.limit }, day && { row: done.of(day)[0]!, limit: SECOND_STEP_DAILY_FAILURES.limit }].filter((counter) => counter !== null)
  const [tries] = perFirstStep ? done.of(perFirstStep) : []
  if (tries && tries.count > SECOND_STEP_ATTEMPTS) return { outcome: 'spent' as const }
  const over = counters.filter(({ row, limit }) => row.count > limit)
  if (over.length) {
    const resetAt = Math.max(...over.map(({ row }) => row.resetAt))
    return { outcome: 'throttled' as const, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - clock.now()) / 1000)) }
  }
  return { outcome: 'counted' as const, refunds: counters.map(({ row }) => row.key) }
}

/**
 * A wrong answer to a first step's second step — an app code or a recovery
 * code, whichever came first: reported once per first step, so one junk
 * answer cannot hide the guesses after it. In the activity ("Código
 * incorrecto tras el primer paso con contraseña") at most once per
 * SECOND_STEP_EVENT_WINDOW — one event per first step would let whoever has
 * the password push the real events off the 20 Seguridad shows — and, at
 * most once per SECOND_STEP_NOTICE_WINDOW, a mail: whoever got past the
 * first step has the password (or the mailbox), and the owner who did not
 * do it learns it now, not after the guesses add up. Each counter is hit
 * first (and only `when` the answer is wrong), so it is 1 only for the first
 * of its window.
 */
async function reportWrongAnswer(db: Database, config: Config, { user, who, method, tokenHash }: { user: User; who: SignInContext; method: SignInMethod; tokenHash: string }, when: SQL = sql`true`) {
  const [stepKey, eventKey, noticeKey] = [`second-step-reported:${tokenHash}`, `second-step-event:user:${user.id}`, `second-step-notice:user:${user.id}`]
  const firstOfStep = sql`(${when}) AND ${within(stepKey, 1)}`
  const batch = createBatch(db)
  batch.add(hit(db, stepKey, SECOND_STEP_LIFETIME, when))
  batch.add(hit(db, eventKey, SECOND_STEP_EVENT_WINDOW, firstOfStep))
  batch.add(hit(db, noticeKey, SECOND_STEP_NOTICE_WINDOW, firstOfStep))
  batch.add(recordEvent(db, sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${firstOfStep} AND ${within(eventKey, 1)})`, 'second_step_failed', who.client, method))
  const mail = twoStepMail(config, user, { kind: 'wrong-code', method }, who.client, clock.now())
  const queued = batch.add(queueMail(db, config, mail, { when: sql`${firstOfStep} AND ${within(noticeKey, 1)}` }).insert)
  return queuedIds((await batch.commit()).of(queued))
}
