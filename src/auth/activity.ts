import { newId } from '../db/ids'
import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm'
import { clock, DAY } from '../clock'
import type { Database } from '../db/client'
import { securityEvents, type SecurityEventType, type SignInMethod } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { accountIdQuery, type AccountRef } from './account-ref'

/** How long "Actividad de seguridad" remembers. */
export const ACTIVITY_RETENTION = 90 * DAY
export const ACTIVITY_SHOWN = 20

/**
 * One security event, as a statement to put in the batch of the action it
 * records (so the action and its record commit together). Stores who/where
 * only: never a password, token or code. Happened now, or `at`.
 */
export function recordEvent(db: Database, account: AccountRef, type: SecurityEventType, client: Client, method?: SignInMethod, detail: SQL | null = null, at = clock.now()) {
  // Columns in table order: id, user_id, type, method, created_at, ip, user_agent, city, country, detail.
  return db
    .insert(securityEvents)
    .select(
      sql`SELECT ${newId()}, account.id, ${type}, ${method ?? null}, ${at}, ${client.ip}, ${client.userAgent}, ${client.city}, ${client.country}, ${detail}
          FROM ${accountIdQuery(account)} AS account`,
    )
}

/** Drops events past the retention limit (the hourly sweep, src/maintenance.ts). */
export function sweepEvents(db: Database) {
  return db.delete(securityEvents).where(lt(securityEvents.createdAt, clock.now() - ACTIVITY_RETENTION))
}

export function listRecentEvents(db: Database, account: AccountRef) {
  return db
    .select()
    .from(securityEvents)
    .where(inArray(securityEvents.userId, accountIdQuery(account)))
    .orderBy(desc(securityEvents.createdAt))
    .limit(ACTIVITY_SHOWN)
}

/** The account's latest password change, for the review after a reset (see reviewOf): read beside the list, so never flushed out of it. */
export function findLastPasswordChange(db: Database, account: AccountRef) {
  return db
    .select({ createdAt: securityEvents.createdAt, detail: securityEvents.detail })
    .from(securityEvents)
    .where(and(inArray(securityEvents.userId, accountIdQuery(account)), eq(securityEvents.type, 'password_changed')))
    .orderBy(desc(securityEvents.createdAt))
    .limit(1)
}
