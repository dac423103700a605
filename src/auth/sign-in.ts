import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { knownDevices, oneTimeTokens, sessions, type SignInMethod } from '../db/schema'
import type { Client } from '../http/client'
import { greetByName } from '../mail/messages'
import { enqueueMailToOwner, queuedIds } from '../mail/outbox'
import type { OutgoingMail } from '../mail/transport'
import { recordEvent } from './activity'
import { ownerExists, ownerQuery } from './owner'
import { newSession } from './sessions'

/**
 * Who is signing in: the request's client data, its device id hash, how,
 * and the hash of the session cookie this browser already holds, if any
 * (that session ends in the same batch: replacing a cookie never leaves a
 * live session behind).
 */
export type SignInContext = {
  client: Client
  deviceHash: string
  method: SignInMethod
  replaces: string | null
  /**
   * The hash of the reset link this browser holds open, if any: a sign-in
   * spends that one only. Links opened elsewhere stay live, or whoever has
   * the old password or a passkey could cancel the owner's recovery by
   * signing in.
   */
  resetLinkHere: string | null
  /** The "nuevo inicio de sesión" mail, queued in the batch only if this device is new to an account that has others. */
  newDeviceNotice: { mail: Omit<OutgoingMail, 'to'>; stream: string }
}

/**
 * Forgets the account's known browsers (but `keep`, this one): after a
 * password change or "cerrar todas las demás sesiones" they no longer get
 * the owner's own counters and budgets, and a sign-in from them is "new"
 * again, so its notice reaches the owner.
 */
export function forgetDevices(db: Database, owner: string | SQL, keep?: string | null) {
  const ofOwner = inArray(knownDevices.userId, ownerQuery(owner))
  return db.delete(knownDevices).where(keep ? and(ofOwner, ne(knownDevices.deviceHash, keep)) : ofOwner)
}

/**
 * Everything a sign-in writes, as statements for the caller's batch: the
 * new session, the "nuevo inicio de sesión" notice (queued only for a device
 * new to an account that already had devices), the device remembered, the
 * "sign_in" event, and the reset link open in this browser, if any, spent
 * (only that one: see SignInContext.resetLinkHere). `queued(results)` reads
 * the notice back.
 */
export async function prepareSignIn(db: Database, owner: string | SQL, who: SignInContext, options: { spendResetLinks?: boolean } = {}) {
  const session = await newSession(db, owner, who.client, who.method, who.deviceHash)
  const accountOwner = ownerQuery(owner)
  // Evaluated before the device is remembered: new here, and not the account's first.
  const mail = who.newDeviceNotice.mail
  const greeted = { ...mail, text: greetByName(mail.text, 'text'), html: greetByName(mail.html, 'html') }
  const notice = enqueueMailToOwner(db, greeted, accountOwner, {
    stream: who.newDeviceNotice.stream,
    when: sql`NOT EXISTS (SELECT 1 FROM ${knownDevices} WHERE ${knownDevices.userId} IN ${accountOwner} AND ${knownDevices.deviceHash} = ${who.deviceHash})
              AND EXISTS (SELECT 1 FROM ${knownDevices} WHERE ${knownDevices.userId} IN ${accountOwner})`,
  })
  // `WHERE true` lets SQLite parse ON CONFLICT after INSERT … SELECT.
  const rememberDevice = db
    .insert(knownDevices)
    .select(sql`SELECT owner.id, ${who.deviceHash}, ${clock.now()} FROM ${accountOwner} AS owner WHERE true`)
    .onConflictDoNothing()
    .returning({ userId: knownDevices.userId })
  const statements: BatchItem<'sqlite'>[] = [
    session.insert,
    notice.insert,
    rememberDevice,
    recordEvent(db, owner, 'sign_in', who.client, who.method),
    // Only when this sign-in happens: a dead link or a wrong code leaves the current session alone.
    ...(who.replaces ? [db.delete(sessions).where(and(eq(sessions.tokenHash, who.replaces), ownerExists(owner)))] : []),
    // Last: a reset link left open in this browser (a shared computer) must
    // not outlive its owner signing in here. A batch that spends a reset
    // link itself says so (its owner subquery reads that link) and spends
    // the account's links at its end.
    ...(options.spendResetLinks === false || !who.resetLinkHere
      ? []
      : [
          db
            .delete(oneTimeTokens)
            .where(and(eq(oneTimeTokens.purpose, 'password_reset'), eq(oneTimeTokens.tokenHash, who.resetLinkHere), inArray(oneTimeTokens.userId, accountOwner))),
        ]),
  ]
  return {
    token: session.token,
    statements,
    /** Whether the session was written (its owner guard held), from the batch results. */
    started(results: unknown[], offset: number) {
      return (results[offset] as unknown[]).length > 0
    },
    /** The outbox ids to send after the batch: the notice, when this was a new device. */
    queued(results: unknown[], offset: number) {
      return queuedIds(results[offset + 1])
    },
  }
}
