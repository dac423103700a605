import { and, inArray, ne, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
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
    .select(sql`SELECT account.id, ${deviceHash}, ${clock.now()} FROM ${accountIdQuery(account)} AS account WHERE true`)
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
