import { and, eq, gt, inArray, lte, or, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { outbox, throttles, users } from '../db/schema'
import { ipKey } from '../addresses/ip'
import { mailboxOf } from '../addresses/email'
import { isKnownDevice } from './known-devices'
import { CONFIRMATION_RESENDS_PER_IP, MAILS_PER_ADDRESS, MAILS_PER_IP } from './limits'
import { hashSecret } from './secrets'

/** A counter's key: fixed, or decided in SQL inside the statement (see accountKey). */
export type ThrottleKey = string | SQL

/**
 * Fixed-window counters in D1: global across edge locations, and cheap to
 * put in the same batch as the work they guard. `hit` counts one event and
 * returns the count (one atomic statement: simultaneous requests each see
 * their own number, never a stale read), or only `when` a condition holds
 * (a mail that was queued); `within` is a SQL condition for later
 * statements of the same batch (a batch is one transaction, so they see the
 * new count).
 */
export function hit(db: Database, key: ThrottleKey, windowMs: number, when?: SQL) {
  const now = clock.now()
  const values = when
    ? db.insert(throttles).select(sql`SELECT ${key}, 1, ${now + windowMs} WHERE ${when}`)
    : db.insert(throttles).values({ key: key as string, count: 1, resetAt: now + windowMs })
  // In ON CONFLICT DO UPDATE both SET expressions read the old row.
  return values
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

/** The counter is at most `limit` in its current window (a window that has ended counts 0, even before a `hit` restarts it). */
export function within(key: ThrottleKey, limit: number) {
  return sql`coalesce((SELECT ${throttles.count} FROM ${throttles} WHERE ${throttles.key} = ${key} AND ${throttles.resetAt} > ${clock.now()}), 0) <= ${limit}`
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
  return withKnownDevice(`${scope}:${await hashSecret(mailboxOf(email))}`, email, deviceHash)
}

/**
 * Keyed on the account itself, for what only its owner's factors answer
 * (second-step codes): keyed on the mailbox, a sibling account `ana+x@…`
 * could spend `ana@…`'s budget with wrong codes on its own account.
 */
export function userKey(scope: string, user: { id: string; email: string }, deviceHash: string | null): ThrottleKey {
  return withKnownDevice(`${scope}:user:${user.id}`, user.email, deviceHash)
}

/**
 * Like accountKey, but keyed on the exact account address (the stored,
 * normalised email), not on its mailbox: for mails that open one account
 * (reset and access links). Keyed on the mailbox, a stranger's own
 * `ana+x@…` account would spend the budget of the mails that open `ana@…`,
 * and her mailbox would hold only links that do not open hers.
 */
export async function addressKey(scope: string, email: string, deviceHash: string | null): Promise<ThrottleKey> {
  return withKnownDevice(`${scope}:address:${await hashSecret(email)}`, email, deviceHash)
}

function withKnownDevice(shared: string, email: string, deviceHash: string | null): ThrottleKey {
  if (!deviceHash) return shared
  return sql`CASE WHEN ${knownHere(email, deviceHash)} THEN ${`${shared}:device:${deviceHash}`} ELSE ${shared} END`
}

/** This browser has signed in to the account with this address before (its device id is one the account knows). */
function knownHere(email: string, deviceHash: string | null): SQL {
  if (!deviceHash) return sql`false`
  return isKnownDevice(sql`(SELECT ${users.id} FROM ${users} WHERE ${users.email} = ${email})`, deviceHash)
}

/** The counter of password attempts against an account (see authenticate). */
export function passwordAttemptKey(email: string, deviceHash: string | null): Promise<ThrottleKey> {
  return accountKey('login', email, deviceHash)
}

/** Windows that have ended carry no information; drop them (indexed, so cheap). */
export function sweepThrottles(db: Database) {
  return db.delete(throttles).where(lte(throttles.resetAt, clock.now()))
}

/**
 * A counter that starts at 0 with a window of its own choosing (a login
 * request's code attempts live as long as the request): a dead counter then
 * tells an expired request from a wrong code.
 */
export function startCounter(db: Database, key: string, resetAt: number) {
  return db.insert(throttles).values({ key, count: 0, resetAt })
}

/** The counter's row while its window is open (none once it has ended). */
export function readCounter(db: Database, key: string) {
  return db.select({ resetAt: throttles.resetAt }).from(throttles).where(and(eq(throttles.key, key), gt(throttles.resetAt, clock.now())))
}

/** The per-IP counter of failed password sign-ins (wrong password, unknown address, unconfirmed account alike); see authenticate. */
export function failedSignInKey(ip: string | null) {
  return `sign-in:failed:ip:${ipKey(ip)}`
}

/**
 * The mail budget of one request: counted per IP (/64 for IPv6) and per
 * account (hashed: the table holds no addresses), with one budget for each
 * kind of mail and each of the owner's known browsers, which the IP cap
 * does not stop either (a stranger behind the same NAT cannot silence her).
 *
 * - `reset`, `access` (access link: link and code) and `confirmation`: keyed on
 *   the exact address, each its own budget, so only mails to HER account
 *   spend them — not the other kinds, nor the accounts strangers make at
 *   `ana+x@…` or `a.na@gmail.com` (whose sign-ups would otherwise keep her
 *   own confirmation from arriving). Flooding one inbox through its many
 *   spellings is bounded by the per-IP caps instead.
 * - `note` ("account exists"): keyed on the mailbox, all spellings together.
 *
 * The IP counts every request, known address or not, so a throttled request
 * looks like any other. The account counts only mails that were queued
 * (`countQueued`, after the mail's insert in the same batch): a stranger
 * whose IP is over its cap, or who asks for an address without an account,
 * spends nothing of the owner's.
 *
 * The IP cap is shared by everyone behind one address (an IPv6 /64,
 * carrier-grade NAT), so it alone could silence the owner on a new device
 * there. A reset or access link is therefore queued over the IP's cap when
 * it is the first of its window for that account's budget and the account
 * is confirmed: whatever strangers do, the owner asking from a new device
 * gets her link, or the strangers' own requests already put a live one in
 * her mailbox within the window. Unconfirmed accounts get no pass: anyone
 * can make one at any spelling of any inbox, over the cap too (see
 * confirmedAccount). The cost: one IP over its cap can still cause one
 * reset and one access mail per confirmed account per window, at the
 * per-IP form rate (and confirming an account takes reading its inbox).
 * The condition is SQL inside the same statements, so an
 * unknown address does the same work and the answer is the same.
 *
 * `statements` go first in the batch; `allows` guards the statements that
 * would cause a mail. `perIp: 'failed-sign-ins'` is for the confirmation a
 * right password on an unconfirmed account sends again: spending the mail
 * cap there would tell its sender that the account exists, so it is held
 * by the failed sign-in counter instead, which every failed sign-in moves
 * alike (authenticate counts it; nothing is counted here).
 */
export async function mailBudget(
  db: Database,
  email: string,
  from: { ip: string | null; deviceHash: string | null },
  kind: MailKind,
  perIp: 'mails' | 'failed-sign-ins' = 'mails',
) {
  const address = kind === 'note' ? await accountKey('mail', email, from.deviceHash) : await addressKey(`mail:${kind}`, email, from.deviceHash)
  const ip = perIp === 'mails' ? `mail:ip:${ipKey(from.ip)}` : failedSignInKey(from.ip)
  const ipLimit = perIp === 'mails' ? MAILS_PER_IP.limit : CONFIRMATION_RESENDS_PER_IP.limit
  // The first reset or access link of a confirmed account's window passes a shared IP's cap (see above).
  const firstOfWindow = kind === 'reset' || kind === 'access' ? and(within(address, 0), confirmedAccount(email))! : sql`false`
  return {
    statements: perIp === 'mails' ? [hit(db, ip, MAILS_PER_IP.window)] : [],
    // The mailbox has not counted this mail yet (countQueued comes after it): room for one more.
    allows: and(or(knownHere(email, from.deviceHash), within(ip, ipLimit), firstOfWindow), within(address, MAILS_PER_ADDRESS.limit - 1))!,
    /** Counts against the mailbox the mails of these outbox ids that the batch actually wrote; none written, nothing counted. */
    countQueued: (...mailIds: string[]) => hit(db, address, MAILS_PER_ADDRESS.window, sql`EXISTS (SELECT 1 FROM ${outbox} WHERE ${inArray(outbox.id, mailIds)})`),
  }
}

/**
 * Where an account's mail budget of `kind` stands after a request counted
 * (development only, see recordWithheldMail): whether the IP is past its
 * cap, whether the address has used its budget, whether the account is
 * confirmed. Null for an address without an account.
 */
export async function mailBudgetState(db: Database, email: string, from: { ip: string | null; deviceHash: string | null }, kind: MailKind) {
  const address = kind === 'note' ? await accountKey('mail', email, from.deviceHash) : await addressKey(`mail:${kind}`, email, from.deviceHash)
  const ip = `mail:ip:${ipKey(from.ip)}`
  const row = await db
    .select({
      overIp: sql<number>`NOT ${within(ip, MAILS_PER_IP.limit)}`,
      overAddress: sql<number>`NOT ${within(address, MAILS_PER_ADDRESS.limit - 1)}`,
      confirmed: sql<number>`${users.emailVerifiedAt} IS NOT NULL`,
    })
    .from(users)
    .where(eq(users.email, email))
    .get()
  return row ? { overIp: Boolean(row.overIp), overAddress: Boolean(row.overAddress), confirmed: Boolean(row.confirmed) } : null
}

/**
 * An account whose address was confirmed: only its owner (or someone who
 * already reads her mail) made it so. Anyone can make an unconfirmed one at
 * any spelling of any inbox, over the IP's cap too (sign-up writes the
 * account, only its confirmation is capped), so the over-cap pass must not
 * reach those: it would turn one IP into a cannon aimed at that inbox.
 */
function confirmedAccount(email: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.email} = ${email} AND ${users.emailVerifiedAt} IS NOT NULL)`
}

/** Which budget a mail spends (see mailBudget). */
export type MailKind = 'reset' | 'access' | 'confirmation' | 'note'

export type MailBudget = Awaited<ReturnType<typeof mailBudget>>

/**
 * A sign-up's budget: one request (the IP counted once) that queues either
 * a confirmation for a new account (its exact address's budget) or a note
 * to the owner of an existing one (the mailbox's).
 */
export async function signUpMailBudget(db: Database, email: string, from: { ip: string | null; deviceHash: string | null }) {
  const { statements, ...confirmation } = await mailBudget(db, email, from, 'confirmation')
  // The note's own IP statement is dropped: one request counts once against its IP.
  const { statements: _, ...note } = await mailBudget(db, email, from, 'note')
  return { statements, confirmation, note }
}

export type SignUpMailBudget = Awaited<ReturnType<typeof signUpMailBudget>>
