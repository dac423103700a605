import { newId } from '../db/ids'
import { and, asc, eq, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm'
import { clock, HOUR, MINUTE } from '../clock'
import type { Database } from '../db/client'
import { outbox, users, type OutboxRow } from '../db/schema'
import type { Config } from '../config'
import { createTransport, type Delivery, type OutgoingMail, type Transport } from './transport'
import { describeError } from '../log'
import type { Keyring } from '../crypto/keys'
import { openBodies, outboxKeyring, sealBodies, sealedAtRest } from './sealed-bodies'

/**
 * Retry schedule: 30 s, 1 min, 2 min, … doubling, at most an hour apart; a
 * mail without expiry gives up after a day. A mail whose link expires gets
 * a try `lastChance` before it does, whatever the doubling says: after a
 * ten-minute outage a 15-minute access link would otherwise wait until
 * minute 16 for its next try, and die unsent.
 */
export const RETRY = { first: 30_000, max: HOUR, giveUpAfter: 24 * HOUR, lastChance: 2 * MINUTE }
/** How long a sender may hold a claimed row before another may take it (a crashed send). */
const CLAIM_LEASE = 2 * MINUTE
const REDACTED = '[redactado: contenía un enlace o código de un solo uso]'

/**
 * `account`: the id of the account the mail is about (a subquery yielding
 * `id`, or the id itself) when it goes to an address that account does not
 * hold (an address change's mails); by default, whichever account holds the
 * recipient's address when the mail is queued. See migrations/0014.
 */
type QueueOptions = { stream: string; expiresAt?: number; when?: SQL; account?: SQL | string }

/**
 * Writes a mail as an outbox row — a statement for the caller's batch, so the
 * mail commits together with the state that caused it (a token and its mail,
 * or neither). `when` guards it like the statement it belongs with;
 * `expiresAt` is the link's expiry (never sent late). For notices: a mail
 * that carries a link or code goes through enqueueSealedMail.
 */
export function enqueueMail(db: Database, mail: OutgoingMail, options: QueueOptions) {
  return insertRow(db, newId(), mail, { ...options, holdsSecret: false })
}

/**
 * Like enqueueMail, for a mail that carries a link or code: its bodies are
 * sealed under the row id first (src/mail/sealed-bodies.ts) — in memory, so
 * the caller's batch is still its one round trip — and redacted once sent,
 * refused or expired.
 */
export async function enqueueSealedMail(db: Database, keyring: Keyring, mail: OutgoingMail, options: QueueOptions) {
  const id = newId()
  const bodies = await sealBodies(keyring, { id, recipient: mail.to, kind: mail.tag }, mail)
  return insertRow(db, id, { ...mail, ...bodies }, { ...options, holdsSecret: true })
}

function insertRow(db: Database, id: string, mail: OutgoingMail, options: QueueOptions & { holdsSecret: boolean }) {
  const now = clock.now()
  const account =
    options.account === undefined
      ? sql`(SELECT ${users.id} FROM ${users} WHERE ${users.email} = ${mail.to})`
      : typeof options.account === 'string'
        ? sql`${options.account}`
        : sql`(SELECT account.id FROM ${options.account} AS account)`
  // Columns in table order (see src/db/schema.ts).
  const insert = db.insert(outbox).select(
    sql`SELECT ${id}, ${mail.tag}, ${mail.to}, ${mail.subject}, ${mail.text}, ${mail.html}, ${options.stream}, ${options.holdsSecret ? 1 : 0},
               'pending', 0, ${now}, NULL, NULL, NULL, ${options.expiresAt ?? null}, ${now}, NULL, ${account}
        WHERE ${options.when ?? sql`true`}`,
  ).returning({ id: outbox.id })
  return { id, insert }
}

/**
 * Sends outbox rows. Each row is first claimed with one conditional UPDATE
 * (pending and due, or a lapsed claim): D1 runs it atomically, so when a
 * request's waitUntil and the cron race for a row, one of them gets it and
 * the other moves on. A row is handed to Postmark at most once unless a
 * sender dies between Postmark's answer and our write (then once more).
 */
export function createOutbox(db: Database, transport: Transport, options: { redactAfterSend: boolean; keyring: Keyring }) {
  async function claim(id: string): Promise<OutboxRow | null> {
    const now = clock.now()
    const [row] = await db
      .update(outbox)
      .set({ status: 'sending', claimedUntil: now + CLAIM_LEASE, attempts: sql`${outbox.attempts} + 1` })
      .where(and(eq(outbox.id, id), isDue(now)))
      .returning()
    return row ?? null
  }

  async function send(id: string) {
    const row = await claim(id)
    if (!row) return
    const now = clock.now()
    // Every write below holds only while the claim is still ours: a sender
    // whose lease lapsed (and whose row another sender took) changes nothing.
    const finish = (values: Partial<OutboxRow>) =>
      db
        .update(outbox)
        .set({ ...values, claimedUntil: null })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'sending'), eq(outbox.claimedUntil, row.claimedUntil!)))
    const redact = row.holdsSecret ? { textBody: REDACTED, htmlBody: '' } : {}
    if (row.expiresAt !== null && row.expiresAt <= now) {
      await finish({ status: 'expired', ...redact })
      log('mail.expired', row)
      return
    }
    const bodies = await openBodies(options.keyring, row)
    const delivery: Delivery =
      'problem' in bodies
        ? { outcome: 'config', error: bodies.problem, errorCode: null, status: null }
        : await transport({ to: row.recipient, subject: row.subject, text: bodies.text, html: bodies.html, tag: row.kind }, row.stream)
    if (delivery.outcome === 'sent') {
      await finish({ status: 'sent', sentAt: now, messageId: delivery.messageId, lastError: null, ...(options.redactAfterSend ? redact : {}) })
      return
    }
    const { error, errorCode, status } = delivery
    // "refused 422/406: …", "config 401/10: …", "transient 503: …": npm run mail:status groups by the first word.
    const lastError = `${delivery.outcome}${status === null ? '' : ` ${status}${errorCode === null ? '' : `/${errorCode}`}`}: ${error}`
    if (delivery.outcome === 'refused') {
      await finish({ status: 'failed', lastError, ...redact })
      log('mail.failed', row, { errorCode, status, permanent: true, message: error })
      return
    }
    const next = nextAttemptAt(row, now)
    const givesUp = row.expiresAt === null && now - row.createdAt > RETRY.giveUpAfter
    await finish({ status: givesUp ? 'failed' : 'pending', nextAttemptAt: next, lastError, ...(givesUp ? redact : await sealedAtRest(options.keyring, row)) })
    // A configuration problem is the operator's to fix while every mail waits for it: an event of its own, to alert on.
    log(delivery.outcome === 'config' ? 'mail.config_error' : 'mail.failed', row, { errorCode, status, permanent: givesUp, message: error, nextAttemptAt: next })
  }

  return {
    /** Sends these rows now (after the response, in waitUntil). Never throws. */
    async send(...ids: string[]) {
      if (ids.length === 0) return
      // Yield a macrotask first: the response goes out before any mail I/O starts.
      await new Promise((resolve) => setTimeout(resolve, 0))
      for (const id of ids) {
        try {
          await send(id)
        } catch (error) {
          // The exception's name and code only: a D1/drizzle message carries the query's parameters (the recipient).
          console.error(JSON.stringify({ event: 'mail.error', outbox: id, error: describeError(error) }))
        }
      }
    },
    /** The cron's work: every row that is due (or whose sender died), oldest first. */
    async sendDue(limit = 50) {
      const now = clock.now()
      const due = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(isDue(now))
        .orderBy(asc(outbox.nextAttemptAt))
        .limit(limit)
      await this.send(...due.map((row) => row.id))
      return due.length
    },
  }
}

export type Outbox = ReturnType<typeof createOutbox>

/** The next try after a failed one: the doubling backoff, but never past a link's last chance (see RETRY). */
function nextAttemptAt(row: OutboxRow, now: number) {
  const next = now + Math.min(RETRY.first * 2 ** (row.attempts - 1), RETRY.max)
  if (row.expiresAt === null || next < row.expiresAt - RETRY.lastChance) return next
  return Math.max(now + RETRY.first, row.expiresAt - RETRY.lastChance)
}

/** A row may be (re)claimed when it is pending and due, or its sender's lease has lapsed. */
function isDue(now: number) {
  return or(
    and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)),
    and(eq(outbox.status, 'sending'), lte(outbox.claimedUntil, now)),
  )
}

/** The outbox for this configuration. Locally it is the dev mailbox, so sent bodies stay readable there. */
export function outboxFor(config: Config, db: Database, fetchImpl?: typeof fetch) {
  return createOutbox(db, createTransport(config, fetchImpl), { redactAfterSend: !config.devMailbox, keyring: outboxKeyring(config) })
}

/**
 * For the hourly sweep: bodies holding a link or code are redacted once the
 * link has expired, whatever the row's status (locally, sent mails keep
 * theirs until then); finished rows are kept 30 days, for the operator.
 */
export function sweepOutbox(db: Database) {
  const now = clock.now()
  return [
    db
      .update(outbox)
      .set({ textBody: REDACTED, htmlBody: '' })
      .where(and(eq(outbox.holdsSecret, true), lte(outbox.expiresAt, now), ne(outbox.textBody, REDACTED))),
    db.delete(outbox).where(and(inArray(outbox.status, ['sent', 'failed', 'expired', 'withheld']), lte(outbox.createdAt, now - 30 * 24 * HOUR))),
  ] as const
}

/**
 * Like enqueueMail, for a mail to an account named by a subquery (the
 * account a token being spent in the same batch opens): its address is read
 * from the users table there.
 */
export function enqueueMailToAccount(
  db: Database,
  mail: Omit<OutgoingMail, 'to' | 'text' | 'html'> & { text: string | SQL; html: string | SQL },
  account: SQL,
  options: { stream: string; when?: SQL },
) {
  const id = newId()
  const now = clock.now()
  const insert = db
    .insert(outbox)
    .select(
      sql`SELECT ${id}, ${mail.tag}, ${users.email}, ${mail.subject}, ${mail.text}, ${mail.html}, ${options.stream}, 0,
                 'pending', 0, ${now}, NULL, NULL, NULL, NULL, ${now}, NULL, ${users.id}
          FROM ${users} WHERE ${users.id} IN ${account} AND ${options.when ?? sql`true`}`,
    )
    .returning({ id: outbox.id })
  return { id, insert }
}

/** The ids of the enqueueMail inserts that wrote a row, from their batch results. */
export function queuedIds(...results: { id: string }[][]): string[] {
  return results.flat().map((row) => row.id)
}

/**
 * One JSON line per failure or expiry: the row and kind, Postmark's verdict;
 * never the recipient or the body (the transport blanks the addresses
 * Postmark quotes in some verdicts, "Found inactive addresses: …").
 */
function log(event: string, row: OutboxRow, extra: Record<string, unknown> = {}) {
  console.error(JSON.stringify({ event, outbox: row.id, tag: row.kind, attempts: row.attempts, ...extra }))
}
