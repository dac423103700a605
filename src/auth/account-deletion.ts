import { and, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { mailboxOf } from '../addresses/email'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import {
  accountEvents,
  emailChangeLinks,
  emailChanges,
  knownDevices,
  oneTimeTokens,
  outbox,
  passkeys,
  recoveryCodes,
  secondSteps,
  securityEvents,
  sessions,
  throttles,
  users,
  webauthnChallenges,
  type User,
} from '../db/schema'
import type { Config } from '../config'
import type { Client } from '../addresses/client-info'
import { clock } from '../clock'
import { accountDeletedMail, queueMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { accountFound } from './account-ref'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { listFormerAddresses } from './email-change'
import { hashSecret } from './secrets'
import { sessionIsOpen } from './sessions'

/** What an erasure statement is given: the account (a guarded subquery), its address, and the farewell mail it must spare. */
type Erasing = { account: SQL; userId: string; farewellId: string; deletedEventId: string; addressHashes: string[] }

/**
 * Every table that names a person, and how deletion erases it — written as
 * one record so that the list is the code: a table added later with a
 * user_id, account_id, email or recipient column must appear here or in
 * KEPT_AFTER_DELETION, or test/account-deletion.test.ts fails ("every table
 * that can name a person is erased or listed as kept"). `users` is erased
 * last but one: every other statement's guard reads it, and the
 * sessions, whose guard is the session asking, go after it.
 */
const ERASES = {
  known_devices: (db: Database, { account }: Erasing) => db.delete(knownDevices).where(inArray(knownDevices.userId, account)),
  passkeys: (db: Database, { account }: Erasing) => db.delete(passkeys).where(inArray(passkeys.userId, account)),
  one_time_tokens: (db: Database, { account }: Erasing) => db.delete(oneTimeTokens).where(inArray(oneTimeTokens.userId, account)),
  webauthn_challenges: (db: Database, { account }: Erasing) => db.delete(webauthnChallenges).where(inArray(webauthnChallenges.userId, account)),
  second_steps: (db: Database, { account }: Erasing) => db.delete(secondSteps).where(inArray(secondSteps.userId, account)),
  recovery_codes: (db: Database, { account }: Erasing) => db.delete(recoveryCodes).where(inArray(recoveryCodes.userId, account)),
  security_events: (db: Database, { account }: Erasing) => db.delete(securityEvents).where(inArray(securityEvents.userId, account)),
  // Every mail about the account (migrations/0014), wherever it went, sent or not (a sent row keeps its
  // subject, and bodies locally), but the farewell this batch queues; never another person's.
  outbox: (db: Database, { account, userId, farewellId }: Erasing) => db.delete(outbox).where(and(eq(outbox.accountId, userId), ne(outbox.id, farewellId), accountFound(account))),
  // Address changes hold both addresses; their links go with them (the links first, while the changes say whose they are).
  email_change_links: (db: Database, { account }: Erasing) =>
    db.delete(emailChangeLinks).where(inArray(emailChangeLinks.changeId, db.select({ id: emailChanges.id }).from(emailChanges).where(inArray(emailChanges.userId, account)))),
  email_changes: (db: Database, { account }: Erasing) => db.delete(emailChanges).where(inArray(emailChanges.userId, account)),
  // Counters keyed on the address or its mailbox (hashed, see accountKey and addressKey); per-IP counters name nobody and stay.
  throttles: (db: Database, { account, addressHashes }: Erasing) =>
    db.delete(throttles).where(and(or(...addressHashes.map((hash) => sql`instr(${throttles.key}, ${hash}) > 0`)), accountFound(account))),
  // Events the apps have not been sent yet say nothing the account.deleted event does not supersede.
  account_events: (db: Database, { account, userId, deletedEventId }: Erasing) =>
    db.delete(accountEvents).where(and(eq(accountEvents.accountId, userId), ne(accountEvents.id, deletedEventId), accountFound(account))),
  users: (db: Database, { account }: Erasing) => db.delete(users).where(inArray(users.id, account)).returning({ id: users.id }),
  // After the account's row: the guard reads the session asking, so its sessions go once the row is gone (and only then).
  sessions: (db: Database, { userId }: Erasing) => db.delete(sessions).where(and(eq(sessions.userId, userId), sql`NOT EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId})`)),
} satisfies Record<string, (db: Database, erasing: Erasing) => BatchItem<'sqlite'>>

/** Tables that keep something about a deleted account, and why (docs/account-data.md says the same). */
export const KEPT_AFTER_DELETION = {
  // The account.deleted event must reach the apps (they hold the id, and drop what they cached under it);
  // it holds the random id, the type and the time, and is swept a week after it is sent. The account's other events go.
  account_events: 'the account.deleted message for the apps: the account id, until sent, then 7 days',
} as const

/** The tables deletion erases from, for the test that no table naming a person is forgotten. */
export const ERASED_TABLES = Object.keys(ERASES)

/**
 * Deletes the account, in one batch: the farewell mail queued and the apps'
 * account.deleted event written, then every row that names the person
 * erased (ERASES), the account's own row and then its sessions last. Every statement holds only
 * while the account still has this address and the session asking is still
 * open: an address change or a reset elsewhere that commits first leaves it
 * nothing to do, and two deletions at once erase once. Returns the mail and
 * event ids to send after the response, or null when nothing was deleted.
 */
export async function deleteAccount(db: Database, config: Config, user: User, asking: { sessionId: string; client: Client }) {
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.email} = ${user.email} AND ${sessionIsOpen(user.id, asking.sessionId)})`
  const farewell = queueMail(db, config, accountDeletedMail(config, user, asking.client, clock.now()), { when: accountFound(account) })
  // Counters are keyed on hashes of an address (accountKey, addressKey): those of every address that was the person's.
  const addresses = [user.email, ...(await listFormerAddresses(db, user.id))]
  const addressHashes = await Promise.all([...new Set(addresses.flatMap((address) => [address, mailboxOf(address)]))].map((text) => hashSecret(text)))
  const deletedEvent = queueAccountEvent(db, account, 'account.deleted')
  const erasing: Erasing = { account, userId: user.id, farewellId: farewell.id, deletedEventId: deletedEvent.id, addressHashes }
  const batch = createBatch(db)
  const mail = batch.add(farewell.insert)
  const event = batch.add(deletedEvent.insert)
  const { users: accountRow, sessions: sessionRows, ...others } = ERASES
  for (const erase of Object.values(others)) batch.add(erase(db, erasing))
  const deleted = batch.add(accountRow(db, erasing))
  batch.add(sessionRows(db, erasing))
  const done = await batch.commit()
  if (done.of(deleted).length === 0) return null
  return { queued: queuedIds(done.of(mail)), events: queuedEventIds(done.of(event)) }
}
