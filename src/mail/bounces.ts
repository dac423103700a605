import { eq } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { users } from '../db/schema'

/** A bounce as Postmark's webhook reports it (its Type, RecordType and Inactive), for the address it names. */
export type Bounce = { email: string; type: string; recordType: string | null; inactive: boolean }

/** Bounces that mean mail will not get through: the address is gone or refuses us. */
const UNDELIVERABLE = new Set(['HardBounce', 'BadEmailAddress', 'SpamComplaint', 'SpamNotification', 'ManuallyDeactivated', 'Blocked'])

/** Marks the account at the address when the bounce means mail will not get through; any other bounce is ignored. */
export async function recordBounce(db: Database, bounce: Bounce): Promise<'marked' | 'ignored'> {
  const undeliverable = bounce.inactive || UNDELIVERABLE.has(bounce.type) || bounce.recordType === 'SpamComplaint'
  if (!undeliverable) return 'ignored'
  await db.update(users).set({ mailBouncedAt: clock.now(), mailBounceType: bounce.type }).where(eq(users.email, bounce.email))
  return 'marked'
}
