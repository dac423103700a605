import { and, eq, gte, inArray, ne, or, sql } from 'drizzle-orm'
import { clock, DAY } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { emailChangeLinks, emailChanges, recoveryCodes, securityEvents, users } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { passwordResetMail, queueSealedMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { accountFound } from './account-ref'
import { NO_PASSWORD } from './accounts'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { recordEvent } from './activity'
import { endEveryWayIn } from './eviction'
import { findEmailChangeLink, openEmailChangeLink } from './email-change-links'
import { newOneTimeToken } from './one-time-tokens'

export type EmailChangeUndo =
  /** `twoStepKept`: a two-step set up before TWO_STEP_UNDO_WINDOW stayed; the page says what to do if it is not hers. */
  | { outcome: 'undone'; email: string; queued: string[]; events: string[]; twoStepKept: boolean }
  /** Since the change, another account was made with the old address: nothing is done, support takes it from there. */
  | { outcome: 'taken'; email: string }
  /** A later «No fui yo» already gave this address back: nothing is done again (its reset link stays good). */
  | { outcome: 'already-recovered'; email: string }
  | { outcome: 'invalid' }

/**
 * "No fui yo", from the old address: whoever changed it is treated as an
 * intruder. In one batch, guarded by the link being live and spent last:
 * the account gets the old address back (whether the change is pending or
 * was confirmed, and after later changes too); this change and every later
 * one end as undone and every confirmation link of the account dies; every
 * session ends and every known browser is forgotten; every outstanding link
 * or code is spent; the password is cleared (whoever changed the address
 * may know it) and a fresh reset link is mailed to the old address, which
 * is how the owner gets back in. Every passkey goes too, and two-step if it
 * was turned on in the day before the change or since
 * (TWO_STEP_UNDO_WINDOW): whoever held the session could have added them as
 * a way back in that needs no address and no password (the owner adds hers
 * again in one tap; a two-step she set up earlier stays, so the old
 * mailbox alone cannot take it off). Once the address is back, an earlier
 * change's link to the same address does nothing again: it would kill the
 * reset link just mailed.
 *
 * The "No fui yo" links of earlier changes stay good: an intruder who
 * changed the address twice holds the second change's link (it went to
 * the address he set), and using it must not kill the owner's.
 */
export async function undoEmailChange(db: Database, config: Config, token: string | undefined, client: Client): Promise<EmailChangeUndo> {
  const link = await findEmailChangeLink(db, token, 'undo')
  if (!link) return { outcome: 'invalid' }
  const now = clock.now()
  const batch = createBatch(db)
  const { live, takenByAnother, refusal } = openEmailChangeLink(batch, link, 'undo', link.oldEmail)
  const alreadyRecovered = sql`EXISTS (SELECT 1 FROM ${emailChanges} WHERE ${emailChanges.userId} = ${link.userId} AND ${emailChanges.status} = 'undone' AND ${emailChanges.oldEmail} = ${link.oldEmail} AND ${emailChanges.endedAt} >= ${link.createdAt})`
  const recovered = batch.add(db.select({ yes: sql<number>`${live} AND ${alreadyRecovered}` }).from(users).where(eq(users.id, link.userId)))
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${link.userId} AND ${live} AND NOT ${takenByAnother} AND NOT ${alreadyRecovered})`
  const acting = accountFound(account)
  const reset = await newOneTimeToken(db, { userId: link.userId }, 'password_reset', { when: acting })
  const resetMail = passwordResetMail(config, { ...link.account, email: link.oldEmail }, reset.token, { afterUndo: true })
  const mail = await queueSealedMail(db, config, resetMail, { expiresAt: reset.expiresAt, when: acting, account: link.userId })
  const ofAccount = eq(emailChanges.userId, link.userId)
  const fromThisOn = db.select({ id: emailChanges.id }).from(emailChanges).where(and(ofAccount, gte(emailChanges.createdAt, link.createdAt)))
  batch.add(recordEvent(db, account, 'email_change_undone', client))
  // The apps are told the address changed back (only if it had changed: read before the update) and every session ended.
  const changedBack = batch.add(queueAccountEvent(db, account, 'account.email_changed', sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${link.userId} AND ${users.email} <> ${link.oldEmail})`).insert)
  const twoStepSince = link.createdAt - TWO_STEP_UNDO_WINDOW
  const recentTwoStep = sql`EXISTS (SELECT 1 FROM ${securityEvents} WHERE ${securityEvents.userId} = ${link.userId} AND ${securityEvents.type} = 'two_step_enabled' AND ${securityEvents.createdAt} >= ${twoStepSince})`
  batch.add(db.delete(recoveryCodes).where(and(inArray(recoveryCodes.userId, account), recentTwoStep)))
  batch.add(
    db
      .update(users)
      .set({
        email: link.oldEmail,
        passwordHash: NO_PASSWORD,
        twoStepSecret: sql`CASE WHEN ${recentTwoStep} THEN NULL ELSE ${users.twoStepSecret} END`,
        twoStepPendingSecret: null,
        updatedAt: now,
      })
      .where(inArray(users.id, account)),
  )
  const sessionsEnded = endEveryWayIn(batch, account, link.userId) // before the reset link below, which is the one way back in
  const twoStepAfter = batch.add(db.select({ on: sql<number>`${users.twoStepSecret} IS NOT NULL` }).from(users).where(inArray(users.id, account)))
  batch.add(reset.insert)
  const queued = batch.add(mail.insert)
  // Late: once this change reads 'undone', alreadyRecovered holds and `account` yields nothing.
  batch.add(
    db
      .update(emailChanges)
      .set({ status: 'undone', endedAt: now })
      .where(and(ofAccount, gte(emailChanges.createdAt, link.createdAt), inArray(emailChanges.status, ['pending', 'confirmed']), acting)),
  )
  // Every confirmation link of the account, and the undo links of this change and later ones; then, last (every
  // guard above reads it), this link itself.
  const ofChangesFromThisOn = inArray(emailChangeLinks.changeId, fromThisOn)
  const ofAnyChange = inArray(emailChangeLinks.changeId, db.select({ id: emailChanges.id }).from(emailChanges).where(ofAccount))
  const others = or(and(eq(emailChangeLinks.kind, 'confirm'), ofAnyChange), and(eq(emailChangeLinks.kind, 'undo'), ofChangesFromThisOn))
  batch.add(db.delete(emailChangeLinks).where(and(others, ne(emailChangeLinks.tokenHash, link.hash), live)))
  batch.add(db.delete(emailChangeLinks).where(eq(emailChangeLinks.tokenHash, link.hash)))
  const done = await batch.commit()
  const ids = queuedIds(done.of(queued))
  if (ids.length > 0) {
    const twoStepKept = Boolean(done.of(twoStepAfter)[0]?.on)
    return { outcome: 'undone', email: link.oldEmail, queued: ids, events: queuedEventIds(done.of(changedBack), done.of(sessionsEnded)), twoStepKept }
  }
  if (done.of(recovered)[0]?.yes) return { outcome: 'already-recovered', email: link.oldEmail }
  return refusal(done) === 'taken' ? { outcome: 'taken', email: link.oldEmail } : { outcome: 'invalid' }
}

/**
 * How long before an address change a two-step turned on counts as the
 * intruder's (undone by «No fui yo»): a day. One the owner set up before
 * that stays — so whoever reads the old mailbox, which «No fui yo» trusts
 * for 7 days, still cannot get past it.
 */
export const TWO_STEP_UNDO_WINDOW = DAY
