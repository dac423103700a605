import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { sweepOutbox } from '../mail/outbox'
import { sweepEvents } from './activity'
import { sweepExpiredSessions } from './sessions'
import { sweepThrottles } from './throttle'
import { sweepExpiredTokens } from './one-time-tokens'
import { sweepChallenges } from './webauthn-challenges'
import { sweepSecondSteps } from './first-step'
import { sweepEmailChangeLinks } from './email-change-links'
import { sweepAccountEvents } from './account-events'

/**
 * The hourly sweep (Cron Trigger, wrangler.toml [triggers], run by
 * src/maintenance.ts): expired sessions, spent-by-time links, ended throttle
 * windows, activity past its 90 days, passkey challenges nobody answered, address-change links past their time,
 * the outbox's old rows, and account events sent a week ago. None of these rows can be spent or read any more (every
 * read checks expiry), so this is tidiness and retention, kept off the
 * request path so sign-ins and page views do not pay for it. One batch,
 * one round trip.
 */
export async function sweepExpired(db: Database) {
  const batch = createBatch(db)
  for (const sweep of [sweepExpiredSessions(db), sweepExpiredTokens(db), sweepThrottles(db), sweepEvents(db), sweepChallenges(db), sweepSecondSteps(db), sweepEmailChangeLinks(db), sweepAccountEvents(db), ...sweepOutbox(db)]) batch.add(sweep)
  await batch.commit()
}
