import { sweepEvents } from './auth/activity'
import { sweepExpiredSessions } from './auth/sessions'
import { sweepThrottles } from './auth/throttle'
import { sweepExpiredTokens } from './auth/tokens'
import { sweepChallenges } from './auth/webauthn-challenges'
import { createBatch } from './db/batch'
import type { Database } from './db/client'
import type { Outbox } from './mail/outbox'
import { sweepOutbox } from './mail/outbox'

/**
 * The hourly sweep (Cron Trigger, wrangler.toml [triggers]): expired
 * sessions, spent-by-time links, ended throttle windows, activity past
 * its 90 days, passkey challenges nobody answered. None of these rows can
 * be used any more (every read checks expiry), so this is tidiness and
 * retention, kept off the request path so sign-ins and page views do not
 * pay for it. One batch, one round trip.
 */
export async function sweepExpired(db: Database) {
  const batch = createBatch(db)
  for (const sweep of [sweepExpiredSessions(db), sweepExpiredTokens(db), sweepThrottles(db), sweepEvents(db), sweepChallenges(db), ...sweepOutbox(db)]) batch.add(sweep)
  await batch.commit()
}

/** The Cron Triggers (wrangler.toml): the outbox every minute, the sweep every hour. */
export async function runScheduled(cron: string, db: Database, outbox: Outbox) {
  if (cron === HOURLY) await sweepExpired(db)
  else await outbox.sendDue()
}

export const HOURLY = '17 * * * *'
