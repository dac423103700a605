import { sweepExpired } from './auth/expiry'
import type { Database } from './db/client'
import type { Outbox } from './mail/outbox'

/** The Cron Triggers (wrangler.toml): the outbox every minute, the sweep every hour (sweepExpired). */
export async function runScheduled(cron: string, db: Database, outbox: Outbox) {
  if (cron === HOURLY) await sweepExpired(db)
  else await outbox.sendDue()
}

export const HOURLY = '17 * * * *'
