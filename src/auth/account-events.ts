import { and, asc, eq, inArray, lte, or, sql, type SQL } from 'drizzle-orm'
import { clock, HOUR, MINUTE } from '../clock'
import type { Database } from '../db/client'
import { newId } from '../db/ids'
import { accountEvents, type AccountEventType } from '../db/schema'
import { describeError } from '../log'
import { accountIdQuery, type AccountRef } from './account-ref'

export type { AccountEventType }

/**
 * What an app receives on the ACCOUNT_EVENTS queue: what happened, to which
 * account, when — and the event's own id, so a consumer can drop a message
 * the queue delivers twice (Queues deliver at least once). Nothing secret:
 * no address, name, token or hash; the account id is what apps already hold
 * (the RPC's `user.id`).
 */
export type AccountEventMessage = { id: string; type: AccountEventType; accountId: string; at: number }

/** The part of a Cloudflare Queue producer binding this uses (a test passes a fake one). */
export type EventQueue = { send(body: AccountEventMessage, options?: { contentType?: 'json' }): Promise<unknown> }

/** Retries: 30 s, 1 min, 2 min … doubling, at most an hour apart; an event is never given up (an app must learn of a deletion). */
const RETRY = { first: 30_000, max: HOUR }
const CLAIM_LEASE = 2 * MINUTE
/** Sent events are kept this long (the operator's record of what apps were told), then swept. */
export const SENT_EVENTS_KEPT = 7 * 24 * HOUR

/**
 * An account event as a statement for the caller's batch, so it commits
 * with the change it reports or not at all: written only while `account`
 * (a user id or a subquery, see AccountRef) yields its id and `when` holds.
 * For the integrator: the address change adds
 * `queueAccountEvent(db, account, 'account.email_changed', guard)` to its
 * confirming batch and sends `done.of(step)`'s ids after the response.
 */
export function queueAccountEvent(db: Database, account: AccountRef, type: AccountEventType, when?: SQL, at = clock.now()) {
  const id = newId()
  // Columns in table order: id, type, account_id, at, status, attempts, next_attempt_at, claimed_until, sent_at.
  const insert = db
    .insert(accountEvents)
    .select(
      sql`SELECT ${id}, ${type}, account.id, ${at}, 'pending', 0, ${at}, NULL, NULL
          FROM ${accountIdQuery(account)} AS account WHERE ${when ?? sql`true`}`,
    )
    .returning({ id: accountEvents.id })
  return { id, insert }
}

/** The ids of the queueAccountEvent inserts that wrote a row, from their batch results. */
export function queuedEventIds(...results: { id: string }[][]): string[] {
  return results.flat().map((row) => row.id)
}

/**
 * Sends account event rows to the queue, like the mail outbox sends mail:
 * each row is first claimed with one conditional UPDATE (pending and due, or
 * a lapsed claim), so the request's waitUntil and the cron never both send
 * it; once the queue has taken it, it is marked sent. A failed send leaves it
 * pending for the cron. Without a queue (an unbound deployment) nothing is
 * sent and the rows wait.
 */
export function createEventSender(db: Database, queue: EventQueue | undefined) {
  async function send(id: string) {
    const now = clock.now()
    const [row] = await db
      .update(accountEvents)
      .set({ status: 'sending', claimedUntil: now + CLAIM_LEASE, attempts: sql`${accountEvents.attempts} + 1` })
      .where(and(eq(accountEvents.id, id), isDue(now)))
      .returning()
    if (!row) return
    const ours = and(eq(accountEvents.id, id), eq(accountEvents.status, 'sending'), eq(accountEvents.claimedUntil, row.claimedUntil!))
    try {
      await queue!.send({ id: row.id, type: row.type, accountId: row.accountId, at: row.at }, { contentType: 'json' })
    } catch (error) {
      const next = now + Math.min(RETRY.first * 2 ** (row.attempts - 1), RETRY.max)
      await db.update(accountEvents).set({ status: 'pending', claimedUntil: null, nextAttemptAt: next }).where(ours)
      console.error(JSON.stringify({ event: 'account_event.failed', accountEvent: row.id, type: row.type, attempts: row.attempts, error: describeError(error), nextAttemptAt: next }))
      return
    }
    await db.update(accountEvents).set({ status: 'sent', claimedUntil: null, sentAt: now }).where(ours)
  }

  return {
    /** Sends these rows now (after the response, in waitUntil). Never throws. */
    async send(...ids: string[]) {
      if (!queue) return
      for (const id of ids) {
        try {
          await send(id)
        } catch (error) {
          console.error(JSON.stringify({ event: 'account_event.error', accountEvent: id, error: describeError(error) }))
        }
      }
    },
    /** The cron's work: every event that is due (or whose sender died), oldest first. */
    async sendDue(limit = 50) {
      if (!queue) return 0
      const due = await db.select({ id: accountEvents.id }).from(accountEvents).where(isDue(clock.now())).orderBy(asc(accountEvents.nextAttemptAt)).limit(limit)
      await this.send(...due.map((row) => row.id))
      return due.length
    },
  }
}

export type EventSender = ReturnType<typeof createEventSender>

function isDue(now: number) {
  return or(
    and(eq(accountEvents.status, 'pending'), lte(accountEvents.nextAttemptAt, now)),
    and(eq(accountEvents.status, 'sending'), lte(accountEvents.claimedUntil, now)),
  )
}

/** For the hourly sweep: sent events past SENT_EVENTS_KEPT (pending ones stay until sent). */
export function sweepAccountEvents(db: Database) {
  return db.delete(accountEvents).where(and(inArray(accountEvents.status, ['sent']), lte(accountEvents.sentAt, clock.now() - SENT_EVENTS_KEPT)))
}
