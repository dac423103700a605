import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import { clock, DAY } from '../clock'
import type { Database } from '../db/client'
import { knownDevices } from '../db/schema'
import { accountIdQuery, type AccountRef } from './account-ref'

// The browsers an account knows: one row per browser (its device id's hash)
// that has signed in to it. A known browser gets the owner's own counters
// and budgets (src/auth/throttle.ts), and a sign-in from an unknown one
// mails the "nuevo inicio de sesión" notice (startSession).

/** True (in SQL) when the browser with this device hash has signed in to the account `account` yields (a parenthesised subquery). */
export function isKnownDevice(account: SQL, deviceHash: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${knownDevices} WHERE ${knownDevices.userId} IN ${account} AND ${knownDevices.deviceHash} = ${deviceHash})`
}

/** True (in SQL) when the account knows any browser at all: not its first sign-in. */
export function hasKnownDevices(account: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM ${knownDevices} WHERE ${knownDevices.userId} IN ${account})`
}

/** Remembers this browser for the account, once (yields the row only when it was new). */
export function rememberDevice(db: Database, account: AccountRef, deviceHash: string) {
  // `WHERE true` lets SQLite parse ON CONFLICT after INSERT … SELECT.
  return db
    .insert(knownDevices)
    // Columns in table order: user_id, device_hash, created_at, second_step_skipped_until.
    .select(sql`SELECT account.id, ${deviceHash}, ${clock.now()}, NULL FROM ${accountIdQuery(account)} AS account WHERE true`)
    .onConflictDoNothing()
    .returning({ userId: knownDevices.userId })
}

/**
 * Forgets the account's known browsers (but `keep`, this one): after a
 * password change or "cerrar todas las demás sesiones" they no longer get
 * the owner's own counters and budgets, and a sign-in from them is "new"
 * again, so its notice reaches the owner.
 */
export function forgetDevices(db: Database, account: AccountRef, keep?: string | null) {
  const ofAccount = inArray(knownDevices.userId, accountIdQuery(account))
  return db.delete(knownDevices).where(keep ? and(ofAccount, ne(knownDevices.deviceHash, keep)) : ofAccount)
}

/** How long "No volver a pedir en este dispositivo" lasts. */
export const SECOND_STEP_SKIP = 30 * DAY

/**
 * True (in SQL) while this browser may skip the second step for the account
 * whose id column is `userId`: the owner ticked "No volver a pedir en este
 * dispositivo durante 30 días" here, less than 30 days ago, and nothing
 * since has ended it (see endSecondStepSkips).
 */
export function skipsSecondStep(userId: SQL, deviceHash: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${knownDevices} WHERE ${knownDevices.userId} = ${userId} AND ${knownDevices.deviceHash} = ${deviceHash} AND ${knownDevices.secondStepSkippedUntil} > ${clock.now()})`
}

/** Remembers that this browser passed the second step and may skip it for 30 days (after rememberDevice, in the same batch). */
export function skipSecondStepHere(db: Database, account: AccountRef, deviceHash: string) {
  return db
    .update(knownDevices)
    .set({ secondStepSkippedUntil: clock.now() + SECOND_STEP_SKIP })
    .where(and(inArray(knownDevices.userId, accountIdQuery(account)), eq(knownDevices.deviceHash, deviceHash)))
}

/** Every browser of the account asks for the second step again: a new password, a reset, the other sessions closed, two-step turned off. */
export function endSecondStepSkips(db: Database, account: AccountRef) {
  return db.update(knownDevices).set({ secondStepSkippedUntil: null }).where(inArray(knownDevices.userId, accountIdQuery(account)))
}
