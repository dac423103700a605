import { and, eq, inArray, not, type SQL } from 'drizzle-orm'
import type { Batch, Done } from '../db/batch'
import { oneTimeTokens, sessions, type SignInMethod } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { greetByName } from '../mail/messages'
import { enqueueMailToAccount, queuedIds } from '../mail/outbox'
import type { OutgoingMail } from '../mail/transport'
import { recordEvent } from './activity'
import { hasKnownDevices, isKnownDevice, rememberDevice } from './known-devices'
import { accountFound, accountIdQuery, type AccountRef } from './account-ref'
import { holdFirstStep, withoutSecondStep } from './first-step'
import { newSession } from './sessions'

/**
 * Who is signing in: the request's client data, its device id hash, how,
 * and the hash of the session cookie this browser already holds, if any
 * (that session ends in the same batch: replacing a cookie never leaves a
 * live session behind).
 */
export type SignInContext = {
  client: Client
  deviceHash: string
  method: SignInMethod
  replaces: string | null
  /**
   * The hash of the reset link this browser holds open, if any: a sign-in
   * spends that one only. Links opened elsewhere stay live, or whoever has
   * the old password or a passkey could cancel the owner's recovery by
   * signing in.
   */
  resetLinkHere: string | null
  /**
   * Both factors are proven: a passkey (the device, plus the person's
   * fingerprint, face or PIN: user verification), or sign-in's second step
   * (src/auth/second-step.ts). Otherwise an account with two-step on gets
   * no session here, only its first step held.
   */
  secondStepDone: boolean
  /** The "nuevo inicio de sesión" mail, queued in the batch only if this device is new to an account that has others. */
  newDeviceNotice: { mail: Omit<OutgoingMail, 'to'>; stream: string }
}

/**
 * Starts a session for `account` (a user id, or the subquery a batch is guarded
 * by) as steps of the caller's batch — the one way every way in (password,
 * link, code, confirmation, reset, passkey) begins a session, so the rules
 * of a new session hold for all of them: a fresh session; the "nuevo inicio
 * de sesión" notice, queued only for a device new to an account that
 * already had devices; the device remembered; the "sign_in" event; the
 * session this browser held before ended (only when this one starts: a dead
 * link or a wrong code leaves it alone); and the reset link open in this
 * browser, if any, spent (only that one: see SignInContext.resetLinkHere).
 * Read the outcome with startedSession. Started now, or `at`.
 */
export async function startSession(batch: Batch, proven: AccountRef, who: SignInContext, at?: number) {
  const { db } = batch
  // One factor proven: every step below acts only on an account with two-step off; one with it on gets its first step held instead.
  const firstStep = who.secondStepDone ? null : await holdFirstStep(batch, proven, who, at)
  const account = who.secondStepDone ? proven : withoutSecondStep(proven, who.deviceHash)
  const created = await newSession(db, account, who.client, { method: who.method, aal: who.secondStepDone ? 2 : 1 }, who.deviceHash, at)
  const accountId = accountIdQuery(account)
  const session = batch.add(created.insert)
  // Evaluated before the device is remembered: new here, and not the account's first.
  const mail = who.newDeviceNotice.mail
  const greeted = { ...mail, text: greetByName(mail.text, 'text'), html: greetByName(mail.html, 'html') }
  // Not after a reset: its "contraseña cambiada" mail already says when, on which device and from where; two alarming mails at once for one act of the owner's is one too many.
  const notice =
    who.method === 'reset'
      ? null
      : batch.add(
          enqueueMailToAccount(db, greeted, accountId, {
            stream: who.newDeviceNotice.stream,
            when: and(not(isKnownDevice(accountId, who.deviceHash)), hasKnownDevices(accountId)),
          }).insert,
        )
  const browser = batch.add(rememberDevice(db, account, who.deviceHash))
  batch.add(recordEvent(db, account, 'sign_in', who.client, who.method))
  if (who.replaces) batch.add(db.delete(sessions).where(and(eq(sessions.tokenHash, who.replaces), accountFound(account))))
  // Last: a reset link left open in this browser (a shared computer) must
  // not outlive its owner signing in here. A batch that spends a reset link
  // itself passes none here (its `opens` subquery reads that link, and it
  // spends every link of the account at its end).
  if (who.resetLinkHere) {
    batch.add(
      db
        .delete(oneTimeTokens)
        .where(and(eq(oneTimeTokens.purpose, 'password_reset'), eq(oneTimeTokens.tokenHash, who.resetLinkHere), inArray(oneTimeTokens.userId, accountId))),
    )
  }
  return { token: created.token, method: who.method, session, browser, notice, firstStep }
}

export type StartingSession = Awaited<ReturnType<typeof startSession>>

/**
 * The session a committed batch started, or null when its account guard
 * failed (nothing was written): its cookie value, and the new-device notice
 * to send after the response (queued exactly when the device was new). For
 * an account with two-step on, no session (`sessionToken` null) but the
 * held first step's cookie value, `firstStepToken`.
 */
export function startedSession(done: Done, starting: StartingSession) {
  const firstStepToken = starting.firstStep && done.of(starting.firstStep.held).length > 0 ? starting.firstStep.token : null
  if (firstStepToken) return { sessionToken: null, firstStepToken, method: starting.method, newDevice: false, queued: [] }
  if (done.of(starting.session).length === 0) return null
  const queued = starting.notice ? queuedIds(done.of(starting.notice)) : []
  return { sessionToken: starting.token, firstStepToken: null, method: starting.method, newDevice: queued.length > 0, queued }
}
