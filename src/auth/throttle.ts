import { and, lte, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { throttles } from '../db/schema'
import { MAILS_PER_ADDRESS, MAILS_PER_IP } from './limits'
import { hashSecret } from './secrets'

/**
 * Fixed-window counters in D1: global across edge locations, and cheap to
 * put in the same batch as the work they guard. `hit` counts one event and
 * returns the count; `within` is a SQL condition for later statements of the
 * same batch (a batch is one transaction, so they see the new count).
 */
export function hit(db: Database, key: string, windowMs: number) {
  const now = clock.now()
  // In ON CONFLICT DO UPDATE both SET expressions read the old row.
  return db
    .insert(throttles)
    .values({ key, count: 1, resetAt: now + windowMs })
    .onConflictDoUpdate({
      target: throttles.key,
      set: {
        count: sql`CASE WHEN ${throttles.resetAt} <= ${now} THEN 1 ELSE ${throttles.count} + 1 END`,
        resetAt: sql`CASE WHEN ${throttles.resetAt} <= ${now} THEN ${now + windowMs} ELSE ${throttles.resetAt} END`,
      },
    })
    .returning({ count: throttles.count })
}

export function within(key: string, limit: number) {
  return sql`coalesce((SELECT ${throttles.count} FROM ${throttles} WHERE ${throttles.key} = ${key}), 0) <= ${limit}`
}

/** Windows that have ended carry no information; drop them (indexed, so cheap). */
export function sweepThrottles(db: Database) {
  return db.delete(throttles).where(lte(throttles.resetAt, clock.now()))
}

/** The count a `hit` statement returned, from a batch result. */
export function countOf(result: unknown): number {
  return (result as { count: number }[])[0]?.count ?? 0
}

/**
 * The mail budget of one request: counted per address (hashed: the table
 * holds no addresses) and per IP, for every address, known or not, so a
 * throttled request looks like any other. `statements` go first in the
 * batch; `allows` guards the statement that would cause a mail.
 */
export async function mailBudget(db: Database, email: string, ip: string | null) {
  const ipKey = `mail:ip:${ip ?? 'unknown'}`
  const addressKey = `mail:address:${await hashSecret(email)}`
  return {
    statements: [hit(db, ipKey, MAILS_PER_IP.window), hit(db, addressKey, MAILS_PER_ADDRESS.window)] as const,
    allows: and(within(ipKey, MAILS_PER_IP.limit), within(addressKey, MAILS_PER_ADDRESS.limit))!,
  }
}

export type MailBudget = Awaited<ReturnType<typeof mailBudget>>
