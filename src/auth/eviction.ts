import { inArray, sql, type SQL } from 'drizzle-orm'
import type { Batch } from '../db/batch'
import { passkeys, sessions } from '../db/schema'
import { queueAccountEvent } from './account-events'
import { dropFirstSteps } from './first-step'
import { forgetDevices } from './known-devices'
import { spendAllTokens } from './one-time-tokens'
import { deleteUserSessions } from './sessions'

/**
 * Every way in that someone other than the owner may hold, ended in the
 * caller's batch: the sessions (the apps told, session.revoked, when there
 * were any), first steps waiting for a code, known browsers (and with them
 * their 30-day skips), every outstanding link or code, and every passkey.
 * For taking an account back from an intruder: «No fui yo» and support's
 * `two-step:off --evict`. The password each clears in its own update of the
 * account's row. Returns the event's step, for its id after the commit.
 */
export function endEveryWayIn(batch: Batch, account: SQL, userId: string) {
  const db = batch.db
  const revoked = batch.add(queueAccountEvent(db, account, 'session.revoked', sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.userId} = ${userId})`).insert)
  batch.add(deleteUserSessions(db, account))
  batch.add(dropFirstSteps(db, account))
  batch.add(forgetDevices(db, account))
  batch.add(spendAllTokens(db, account))
  batch.add(db.delete(passkeys).where(inArray(passkeys.userId, account)))
  return revoked
}
