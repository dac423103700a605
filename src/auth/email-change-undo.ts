import { and, eq, gte, inArray, ne, or, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { emailChangeLinks, emailChanges, sessions, users } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { passwordResetMail, queueSealedMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { accountFound } from './account-ref'
import { NO_PASSWORD } from './accounts'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { recordEvent } from './activity'
import { findEmailChangeLink, openEmailChangeLink } from './email-change-links'
import { dropFirstSteps } from './first-step'
import { forgetDevices } from './known-devices'
import { newOneTimeToken, spendAllTokens } from './one-time-tokens'
import { deleteUserSessions } from './sessions'

export type EmailChangeUndo =
  | { outcome: 'undone'; email: string; queued: string[]; events: string[] }
  /** Since the change, another account was made with the old address: nothing is done, support takes it from there. */
  | { outcome: 'taken'; email: string }
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
 * is how the owner gets back in. Passkeys stay: they name no address.
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
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${link.userId} AND ${live} AND NOT ${takenByAnother})`
  const acting = accountFound(account)
  const reset = await newOneTimeToken(db, { userId: link.userId }, 'password_reset', { when: acting })
  const resetMail = passwordResetMail(config, { ...link.account, email: link.oldEmail }, reset.token)
  const mail = await queueSealedMail(db, config, resetMail, { expiresAt: reset.expiresAt, when: acting })
  const ofAccount = eq(emailChanges.userId, link.userId)
  const fromThisOn = db.select({ id: emailChanges.id }).from(emailChanges).where(and(ofAccount, gte(emailChanges.createdAt, link.createdAt)))
  batch.add(recordEvent(db, account, 'email_change_undone', client))
  batch.add(
    db
      .update(emailChanges)
      .set({ status: 'undone', endedAt: now })
      .where(and(ofAccount, gte(emailChanges.createdAt, link.createdAt), inArray(emailChanges.status, ['pending', 'confirmed']), acting)),
  )
  batch.add(db.update(users).set({ email: link.oldEmail, passwordHash: NO_PASSWORD, updatedAt: now }).where(inArray(users.id, account)))
  // The apps are told the address changed back and every session ended, in the same batch (src/auth/account-events.ts).
  const changedBack = batch.add(queueAccountEvent(db, account, 'account.email_changed').insert)
  const sessionsEnded = batch.add(queueAccountEvent(db, account, 'session.revoked', sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.userId} = ${link.userId})`).insert)
  batch.add(deleteUserSessions(db, account))
  batch.add(dropFirstSteps(db, account))
  batch.add(forgetDevices(db, account))
  batch.add(spendAllTokens(db, account)) // before the reset link below, which is the one way back in
  batch.add(reset.insert)
  const queued = batch.add(mail.insert)
  // Every confirmation link of the account, and the undo links of this change and later ones; then, last (every
  // guard above reads it), this link itself.
  const ofChangesFromThisOn = inArray(emailChangeLinks.changeId, fromThisOn)
  const ofAnyChange = inArray(emailChangeLinks.changeId, db.select({ id: emailChanges.id }).from(emailChanges).where(ofAccount))
  const others = or(and(eq(emailChangeLinks.kind, 'confirm'), ofAnyChange), and(eq(emailChangeLinks.kind, 'undo'), ofChangesFromThisOn))
  batch.add(db.delete(emailChangeLinks).where(and(others, ne(emailChangeLinks.tokenHash, link.hash), live)))
  batch.add(db.delete(emailChangeLinks).where(eq(emailChangeLinks.tokenHash, link.hash)))
  const done = await batch.commit()
  const ids = queuedIds(done.of(queued))
  if (ids.length > 0) return { outcome: 'undone', email: link.oldEmail, queued: ids, events: queuedEventIds(done.of(changedBack), done.of(sessionsEnded)) }
  return refusal(done) === 'taken' ? { outcome: 'taken', email: link.oldEmail } : { outcome: 'invalid' }
}
