import { desc, eq, sql } from 'drizzle-orm'
import type { Config } from '../config'
import type { Keyring } from '../crypto/keys'
import type { Database } from '../db/client'
import { outbox, type OutboxRow } from '../db/schema'
import { openBodies, outboxKeyring } from './sealed-bodies'

// The outbox as a developer reads it in the dev mailbox (config.devMailbox
// only): D1 keeps the bodies sealed, as in production; these open them.

/**
 * The 50 mails written last, last first: in the order they were queued
 * (SQLite's rowid), not by their own timestamp, which a test that moves the
 * clock ahead can date a day into the future.
 */
export async function newestMails(db: Database, config: Config): Promise<OutboxRow[]> {
  const rows = await db.select().from(outbox).orderBy(desc(sql`rowid`)).limit(50)
  const keyring = outboxKeyring(config)
  return Promise.all(rows.map((row) => opened(keyring, row)))
}

/** One mail by its id, or null. */
export async function mailById(db: Database, config: Config, id: string): Promise<OutboxRow | null> {
  const row = await db.select().from(outbox).where(eq(outbox.id, id)).get()
  return row ? opened(outboxKeyring(config), row) : null
}

/** A body that does not open (no key, or one rotated away) is shown as D1 holds it. */
async function opened(keyring: Keyring, row: OutboxRow): Promise<OutboxRow> {
  const bodies = await openBodies(keyring, row)
  return 'problem' in bodies ? row : { ...row, textBody: bodies.text, htmlBody: bodies.html }
}
