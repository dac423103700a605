import { and, desc, eq, exists, inArray, ne, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { newId } from '../db/ids'
import { emailChangeLinks, emailChanges, users, type User } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { emailChangeConfirmMail, emailChangeNoticeMail, queueSealedMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { accountIdQuery, type AccountRef } from './account-ref'
import { recordEvent } from './activity'
import { CONFIRM_LINK_LIFETIME, newEmailChangeLink, UNDO_LINK_LIFETIME } from './email-change-links'
import { sessionIsOpen } from './sessions'
import { mailBudget, refund } from './throttle'

/**
 * "Cambiar correo electrónico": in one batch, the change (pending), a
 * confirmation link mailed to the new address, a "No fui yo" link mailed at
 * once to the current one, and the event; any earlier pending change is
 * cancelled (one at a time: the newest link is the one that works, and its
 * "No fui yo" links stay good). Written only while this session is open and
 * within the new address's confirmation budget and the IP's mail cap.
 *
 * Whether the new address already has an account is not read here: the
 * same statements run and the same answer is given either way, so the
 * form cannot be used to learn which addresses have accounts. Only whoever
 * opens the link in that mailbox learns it (see confirmEmailChange).
 * Returns the outbox ids to send, or null when the session was closed.
 */
export async function requestEmailChange(
  db: Database,
  config: Config,
  asker: { user: User; sessionId: string; attemptKey: string | null; requester: { ip: string | null; deviceHash: string | null } },
  newEmail: string,
  client: Client,
) {
  const { user } = asker
  const now = clock.now()
  const id = newId()
  const open = sessionIsOpen(user.id, asker.sessionId)
  const budget = await mailBudget(db, newEmail, asker.requester, 'confirmation')
  const created = sql`EXISTS (SELECT 1 FROM ${emailChanges} WHERE ${emailChanges.id} = ${id})`
  const confirm = await newEmailChangeLink(db, id, 'confirm', now + CONFIRM_LINK_LIFETIME, created)
  const undo = await newEmailChangeLink(db, id, 'undo', now + UNDO_LINK_LIFETIME, created)
  const toNew = await queueSealedMail(db, config, emailChangeConfirmMail(config, newEmail, confirm.token), { expiresAt: now + CONFIRM_LINK_LIFETIME, when: created, account: user.id })
  const notice = emailChangeNoticeMail(config, user, 'requested', { newEmail, at: now }, client, undo.token)
  const toOld = await queueSealedMail(db, config, notice, { expiresAt: now + UNDO_LINK_LIFETIME, when: created, account: user.id })
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  // The old address is the account's as this statement reads it, never as the request read it earlier.
  batch.add(
    db.insert(emailChanges).select(
      sql`SELECT ${id}, ${users.id}, ${users.email}, ${newEmail}, 'pending', ${now}, NULL
          FROM ${users} WHERE ${and(eq(users.id, user.id), eq(users.email, user.email), open, budget.allows)}`,
    ),
  )
  const earlier = and(eq(emailChanges.userId, user.id), eq(emailChanges.status, 'pending'), ne(emailChanges.id, id))
  batch.add(db.delete(emailChangeLinks).where(and(eq(emailChangeLinks.kind, 'confirm'), inArray(emailChangeLinks.changeId, db.select({ id: emailChanges.id }).from(emailChanges).where(earlier)), created)))
  batch.add(db.update(emailChanges).set({ status: 'cancelled', endedAt: now }).where(and(earlier, created)))
  batch.add(confirm.insert)
  batch.add(undo.insert)
  const queued = [batch.add(toNew.insert), batch.add(toOld.insert)]
  batch.add(recordEvent(db, sql`(SELECT ${emailChanges.userId} AS id FROM ${emailChanges} WHERE ${emailChanges.id} = ${id})`, 'email_change_requested', client))
  if (asker.attemptKey) batch.add(refund(db, asker.attemptKey, created))
  batch.add(budget.countQueued(toNew.id)) // last: the guards above read the address's count before this mail
  const done = await batch.commit()
  const ids = queuedIds(...queued.map((step) => done.of(step)))
  if (ids.length > 0) return ids
  // Nothing written: over a budget (the same answer, as for every mail a budget withholds), or signed out meanwhile.
  return (await db.select({ id: users.id }).from(users).where(open).get()) ? [] : null
}

/** The account's changes still waiting for their link (a live one), newest first: listed on Seguridad, each with "Cancelar". */
export function listPendingEmailChanges(db: Database, account: AccountRef) {
  const liveLink = db
    .select({ one: sql`1` })
    .from(emailChangeLinks)
    .where(and(eq(emailChangeLinks.changeId, emailChanges.id), eq(emailChangeLinks.kind, 'confirm'), sql`${emailChangeLinks.expiresAt} > ${clock.now()}`))
  return db
    .select({ id: emailChanges.id, newEmail: emailChanges.newEmail, createdAt: emailChanges.createdAt })
    .from(emailChanges)
    .where(and(inArray(emailChanges.userId, accountIdQuery(account)), eq(emailChanges.status, 'pending'), exists(liveLink)))
    .orderBy(desc(emailChanges.createdAt))
}

/**
 * "Cancelar" on a pending change: its confirmation link dies and it is
 * marked cancelled, only while this session is open and the change is this
 * account's and pending. Its "No fui yo" link stays: the old address was
 * told, and may still want everyone signed out. True when it was cancelled.
 */
export async function cancelEmailChange(db: Database, asker: { userId: string; sessionId: string }, changeId: string) {
  const mine = and(eq(emailChanges.id, changeId), eq(emailChanges.userId, asker.userId), eq(emailChanges.status, 'pending'), sessionIsOpen(asker.userId, asker.sessionId))
  const batch = createBatch(db)
  batch.add(db.delete(emailChangeLinks).where(and(eq(emailChangeLinks.kind, 'confirm'), inArray(emailChangeLinks.changeId, db.select({ id: emailChanges.id }).from(emailChanges).where(mine)))))
  const cancelled = batch.add(db.update(emailChanges).set({ status: 'cancelled', endedAt: clock.now() }).where(mine).returning({ id: emailChanges.id }))
  return (await batch.commit()).of(cancelled).length > 0
}

/** The account's address changes, pending or ended, for the download (docs/account-data.md). */
export function listEmailChanges(db: Database, account: AccountRef) {
  return db
    .select({ oldEmail: emailChanges.oldEmail, newEmail: emailChanges.newEmail, status: emailChanges.status, createdAt: emailChanges.createdAt, endedAt: emailChanges.endedAt })
    .from(emailChanges)
    .where(inArray(emailChanges.userId, accountIdQuery(account)))
    .orderBy(desc(emailChanges.createdAt))
}

/**
 * The addresses the account moved away from (each change's old address)
 * that no other account holds now: deletion erases their counters. Never
 * an address it only asked for, which may be anyone's.
 */
export async function listFormerAddresses(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ address: emailChanges.oldEmail })
    .from(emailChanges)
    .where(and(eq(emailChanges.userId, userId), sql`${emailChanges.oldEmail} NOT IN (SELECT ${users.email} FROM ${users} WHERE ${users.id} <> ${userId})`))
  return [...new Set(rows.map((row) => row.address))]
}
