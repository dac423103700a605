import { and, eq, lte, or, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { knownDevices, throttles, users } from '../db/schema'
import { ipKey } from '../http/ip'
import { mailboxOf } from './emails'
import { MAILS_PER_ADDRESS, MAILS_PER_IP } from './limits'
import { hashSecret } from './secrets'

/** A counter's key: fixed, or decided in SQL inside the statement (see accountKey). */
export type ThrottleKey = string | SQL

/**
 * Fixed-window counters in D1: global across edge locations, and cheap to
 * put in the same batch as the work they guard. `hit` counts one event and
 * returns the count (one atomic statement: simultaneous requests each see
 * their own number, never a stale read); `within` is a SQL condition for
 * later statements of the same batch (a batch is one transaction, so they
 * see the new count).
 */
export function hit(db: Database, key: ThrottleKey, windowMs: number) {
  const now = clock.now()
  // In ON CONFLICT DO UPDATE both SET expressions read the old row.
  return db
    .insert(throttles)
    .values({ key: key as string, count: 1, resetAt: now + windowMs })
    .onConflictDoUpdate({
      target: throttles.key,
      set: {
        count: sql`CASE WHEN ${throttles.resetAt} <= ${now} THEN 1 ELSE ${throttles.count} + 1 END`,
        resetAt: sql`CASE WHEN ${throttles.resetAt} <= ${now} THEN ${now + windowMs} ELSE ${throttles.resetAt} END`,
      },
    })
    .returning({ key: throttles.key, count: throttles.count, resetAt: throttles.resetAt })
}

/** Gives back one counted event (a password that turned out right), so the owner's own sign-ins never add up. */
export function refund(db: Database, key: string, when: SQL = sql`true`) {
  return db
    .update(throttles)
    .set({ count: sql`max(${throttles.count} - 1, 0)` })
    .where(and(eq(throttles.key, key), when))
}

export function within(key: ThrottleKey, limit: number) {
  return sql`coalesce((SELECT ${throttles.count} FROM ${throttles} WHERE ${throttles.key} = ${key}), 0) <= ${limit}`
}

/**
 * The key of a per-account counter (password attempts, mails). Strangers
 * share the account-wide one, keyed on the mailbox (so `ana+1@…` and
 * `ana@…` count together). A browser that has signed in to this account
 * before — it holds a device cookie the account knows — gets its own
 * counter instead, so strangers filling the shared one cannot lock the
 * owner's own browsers out (OWASP, "Slow Down Online Guessing Attacks with
 * Device Cookies"). Decided inside the statement: no extra round trip.
 */
export async function accountKey(scope: string, email: string, deviceHash: string | null): Promise<ThrottleKey> {
  const shared = `${scope}:${await hashSecret(mailboxOf(email))}`
  if (!deviceHash) return shared
  return sql`CASE WHEN ${isKnownDevice(email, deviceHash)} THEN ${`${shared}:device:${deviceHash}`} ELSE ${shared} END`
}

/** This browser has signed in to the account with this address before (its device id is one the account knows). */
function isKnownDevice(email: string, deviceHash: string | null): SQL {
  if (!deviceHash) return sql`false`
  return sql`EXISTS (SELECT 1 FROM ${knownDevices} JOIN ${users} ON ${users.id} = ${knownDevices.userId}
                     WHERE ${users.email} = ${email} AND ${knownDevices.deviceHash} = ${deviceHash})`
}

/** The counter of password attempts against an account (see authenticate). */
export function passwordAttemptKey(email: string, deviceHash: string | null): Promise<ThrottleKey> {
  return accountKey('login', email, deviceHash)
}

/** Windows that have ended carry no information; drop them (indexed, so cheap). */
export function sweepThrottles(db: Database) {
  return db.delete(throttles).where(lte(throttles.resetAt, clock.now()))
}

/** The count a `hit` statement returned, from a batch result. */
export function countOf(result: unknown): number {
  return (result as { count: number }[])[0]?.count ?? 0
}

/**
 * The mail budget of one request: counted per mailbox (hashed: the table
 * holds no addresses) and per IP (/64 for IPv6), for every address, known
 * or not, so a throttled request looks like any other. Reset mails have a
 * budget of their own, and so has each of the owner's known browsers, which
 * the IP cap does not stop either (a stranger behind the same NAT cannot
 * silence her): a stranger who floods sign-up notes or sign-in links cannot
 * silence a reset, and a stranger who floods resets has put a live reset
 * link (good for an hour, usable in any browser) in the mailbox within the
 * window. `statements` go first in the batch; `allows` guards the statement
 * that would cause a mail. `countIp: false` for a mail only someone who
 * knows the account's password can cause (its confirmation sent again):
 * spending the IP's budget there would tell its sender that the account
 * exists.
 */
export async function mailBudget(
  db: Database,
  email: string,
  from: { ip: string | null; deviceHash: string | null },
  kind: 'reset' | 'other' = 'other',
  options: { countIp?: boolean } = {},
) {
  const address = await accountKey(kind === 'reset' ? 'mail:reset' : 'mail', email, from.deviceHash)
  const byAddress = { statement: hit(db, address, MAILS_PER_ADDRESS.window), allows: within(address, MAILS_PER_ADDRESS.limit) }
  if (options.countIp === false) return { statements: [byAddress.statement] as Hits, allows: byAddress.allows }
  const ip = `mail:ip:${ipKey(from.ip)}`
  return {
    statements: [hit(db, ip, MAILS_PER_IP.window), byAddress.statement] as Hits,
    allows: and(or(isKnownDevice(email, from.deviceHash), within(ip, MAILS_PER_IP.limit)), byAddress.allows)!,
  }
}

type Hits = [ReturnType<typeof hit>, ...ReturnType<typeof hit>[]]

export type MailBudget = Awaited<ReturnType<typeof mailBudget>>
