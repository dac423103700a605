import { and, eq, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { emailChangeLinks, emailChanges, users } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { emailChangeNoticeMail, queueSealedMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { recordEvent } from './activity'
import { findEmailChangeLink, newEmailChangeLink, openEmailChangeLink, UNDO_LINK_LIFETIME } from './email-change-links'

export type EmailChangeConfirmation =
  | { outcome: 'changed'; email: string; queued: string[]; events: string[] }
  /** Another account holds the new address: said only here, to whoever reads that mailbox (see docs/sign-in.md). */
  | { outcome: 'taken'; email: string }
  | { outcome: 'invalid' }

/**
 * The confirmation link's button: the new address becomes the account's,
 * in one batch guarded by the link being live and spent last, and only if
 * the account still has the address the change was asked from and no other
 * account holds the new one at that moment (D1 runs the batch as one
 * transaction, so two accounts confirming the same address at once
 * serialize: one wins, the other reads it taken; the UNIQUE constraint is
 * never what refuses it). The old address gets a notice carrying a fresh
 * "No fui yo" link with the request's deadline. Mail budgets and sign-in
 * counters are keyed on the account's address as each request reads it
 * (src/auth/throttle.ts), so from this commit on they are the new
 * address's.
 */
export async function confirmEmailChange(db: Database, config: Config, token: string | undefined, client: Client): Promise<EmailChangeConfirmation> {
  const link = await findEmailChangeLink(db, token, 'confirm')
  if (!link) return { outcome: 'invalid' }
  const now = clock.now()
  const batch = createBatch(db)
  const { live, takenByAnother, refusal } = openEmailChangeLink(batch, link, 'confirm', link.newEmail)
  // After the update below, only a changed account has the new address: the guard of what follows it.
  const changed = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${link.userId} AND ${users.email} = ${link.newEmail}) AND ${live}`
  const undoExpiresAt = link.createdAt + UNDO_LINK_LIFETIME
  const undo = await newEmailChangeLink(db, link.changeId, 'undo', undoExpiresAt, changed)
  const notice = emailChangeNoticeMail(config, { ...link.account, email: link.oldEmail }, 'changed', { newEmail: link.newEmail, at: now }, client, undo.token)
  const mail = await queueSealedMail(db, config, notice, { expiresAt: undoExpiresAt, when: changed, account: link.userId })
  batch.add(
    db
      .update(users)
      .set({ email: link.newEmail, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, mailBouncedAt: null, mailBounceType: null, updatedAt: now })
      .where(and(eq(users.id, link.userId), eq(users.email, link.oldEmail), live, sql`NOT ${takenByAnother}`)),
  )
  batch.add(db.update(emailChanges).set({ status: 'confirmed', endedAt: now }).where(and(eq(emailChanges.id, link.changeId), changed)))
  batch.add(recordEvent(db, sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${link.userId} AND ${changed})`, 'email_changed', client))
  // The apps hold a copy of the address: told in the same batch (src/auth/account-events.ts).
  const event = batch.add(queueAccountEvent(db, link.userId, 'account.email_changed', changed).insert)
  batch.add(undo.insert)
  const queued = batch.add(mail.insert)
  // Last: every guard above reads the link. Spent whatever the outcome: a link is used once.
  batch.add(db.delete(emailChangeLinks).where(and(eq(emailChangeLinks.changeId, link.changeId), eq(emailChangeLinks.kind, 'confirm'), live)))
  const done = await batch.commit()
  const ids = queuedIds(done.of(queued))
  if (ids.length > 0) return { outcome: 'changed', email: link.newEmail, queued: ids, events: queuedEventIds(done.of(event)) }
  // Not changed: a link spent by a simultaneous click, or an address another account holds.
  return refusal(done) === 'taken' ? { outcome: 'taken', email: link.newEmail } : { outcome: 'invalid' }
}

