import { sweepExpired } from './auth/expiry'
import type { EventSender } from './auth/account-events'
import type { Database } from './db/client'
import type { Outbox } from './mail/outbox'

/**
 * The Cron Triggers (wrangler.toml): every minute the outbox sends what is
 * due and the account events the queue refused are sent again; every hour
 * the sweep (sweepExpired).
 */
export async function runScheduled(cron: string, db: Database, outbox: Outbox, events: EventSender) {
  if (cron === HOURLY) await sweepExpired(db)
  else await Promise.all([outbox.sendDue(), events.sendDue()])
}

export const HOURLY = '17 * * * *'
