import { and, eq, gt, lte, sql, type SQL } from 'drizzle-orm'
import { clock, DAY } from '../clock'
import type { Batch, Done } from '../db/batch'
import type { Database } from '../db/client'
import { emailChangeLinks, emailChanges, users, type EmailChangeLinkKind } from '../db/schema'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'

/** The confirmation link to the new address: a day, like a sign-up's. */
export const CONFIRM_LINK_LIFETIME = DAY
/**
 * "No fui yo", to the old address: a week from the request, so an owner
 * away for a few days still gets her account back after the change was
 * confirmed (the mail that says it was confirmed carries the same deadline).
 */
export const UNDO_LINK_LIFETIME = 7 * DAY

/**
 * A link of one change, as an insert for the caller's batch, written only
 * `when` the condition holds. Random, only its SHA-256 stored (see
 * secrets.ts); the secret is for the mail only.
 */
export async function newEmailChangeLink(db: Database, changeId: string, kind: EmailChangeLinkKind, expiresAt: number, when: SQL) {
  const { secret, hash } = await generateSecret()
  // Columns in table order: token_hash, change_id, kind, expires_at.
  const insert = db.insert(emailChangeLinks).select(sql`SELECT ${hash}, ${changeId}, ${kind}, ${expiresAt} WHERE ${when}`)
  return { token: secret, insert }
}

/**
 * The change behind a live link of this kind, with its account, without
 * spending it (GET pages read it: mail scanners open links). Null for text
 * that cannot be a link, a spent or expired one, or one of the other kind:
 * a confirmation link never undoes, and no other flow's token is looked up
 * in this table at all.
 */
export async function findEmailChangeLink(db: Database, token: string | undefined, kind: EmailChangeLinkKind) {
  if (!isWellFormedSecret(token)) return null
  const hash = await hashSecret(token)
  const row = await db
    .select({
      changeId: emailChanges.id,
      userId: emailChanges.userId,
      oldEmail: emailChanges.oldEmail,
      newEmail: emailChanges.newEmail,
      createdAt: emailChanges.createdAt,
      account: { email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt },
    })
    .from(emailChangeLinks)
    .innerJoin(emailChanges, eq(emailChanges.id, emailChangeLinks.changeId))
    .innerJoin(users, eq(users.id, emailChanges.userId))
    .where(and(eq(emailChangeLinks.tokenHash, hash), isLive(kind)))
    .get()
  return row ? { ...row, hash } : null
}

export type EmailChangeLink = NonNullable<Awaited<ReturnType<typeof findEmailChangeLink>>>

/** True while this link is unspent and unexpired: the guard of every effect of the batch that spends it. */
export function linkIsLive(link: Pick<EmailChangeLink, 'hash'>, kind: EmailChangeLinkKind): SQL {
  return sql`EXISTS (SELECT 1 FROM ${emailChangeLinks} WHERE ${and(eq(emailChangeLinks.tokenHash, link.hash), isLive(kind))})`
}

function isLive(kind: EmailChangeLinkKind) {
  return and(eq(emailChangeLinks.kind, kind), gt(emailChangeLinks.expiresAt, clock.now()))
}

/** Expired links open nothing (every read checks expiry); the hourly sweep drops them. The changes stay: Seguridad's history of the account. */
export function sweepEmailChangeLinks(db: Database) {
  return db.delete(emailChangeLinks).where(lte(emailChangeLinks.expiresAt, clock.now()))
}

/**
 * Starts the batch that spends a link: `live` guards its every effect (the
 * batch must spend the link last), `takenByAnother` says another account
 * holds `address` (the one the account would get). Both are also read as
 * the batch's first step, before any write, so a batch that changed nothing
 * tells a lost race (`'taken'`) from a dead link (`'invalid'`).
 */
export function openEmailChangeLink(batch: Batch, link: EmailChangeLink, kind: EmailChangeLinkKind, address: string) {
  const live = linkIsLive(link, kind)
  const takenByAnother = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.email} = ${address} AND ${users.id} <> ${link.userId})`
  const state = batch.add(batch.db.select({ live: sql<number>`${live}`, taken: sql<number>`${takenByAnother}` }).from(users).where(eq(users.id, link.userId)))
  const refusal = (done: Done): 'taken' | 'invalid' => {
    const [read] = done.of(state)
    return read?.live && read.taken ? 'taken' : 'invalid'
  }
  return { live, takenByAnother, refusal }
}
