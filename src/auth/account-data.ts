import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Client } from '../addresses/client-info'
import { clock } from '../clock'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { knownDevices, outbox, passkeys, recoveryCodes, securityEvents, sessions, users, type User } from '../db/schema'
import { describeDevice, describePlace } from '../i18n/devices'
import { recordEvent } from './activity'
import { hasPassword } from './accounts'
import { sessionIsOpen } from './sessions'
import { refund } from './throttle'
import { listEmailChanges, listPendingEmailChanges } from './email-change'
import { accountFound } from './account-ref'

/**
 * "Descargar mis datos": everything held about the person, as one JSON
 * document (docs/account-data.md describes it field by field). Each list
 * is read with an explicit column list, never `select()`: a secret column
 * added to a table later (a hash, a key, a sealed body) stays out of the
 * file unless someone adds it here on purpose. Recorded as "data_exported"
 * in the same batch, and only while the session asking is open (a closed
 * session gets nothing).
 */
export async function exportAccountData(db: Database, user: User, asking: { sessionId: string; client: Client; attemptKey: string | null }) {
  const open = sessionIsOpen(user.id, asking.sessionId)
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${open})`
  const batch = createBatch(db)
  batch.add(recordEvent(db, account, 'data_exported', asking.client))
  // A right current password gives its attempt back, as a password change does.
  if (asking.attemptKey) batch.add(refund(db, asking.attemptKey, accountFound(account)))
  const accountRow = batch.add(
    db
      .select({ id: users.id, name: users.name, email: users.email, createdAt: users.createdAt, emailVerifiedAt: users.emailVerifiedAt, passwordHash: users.passwordHash, twoStepSecret: users.twoStepSecret, mailBouncedAt: users.mailBouncedAt, mailBounceType: users.mailBounceType })
      .from(users)
      .where(inArray(users.id, account)),
  )
  const sessionRows = batch.add(
    db
      .select({ id: sessions.id, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, method: sessions.method, userAgent: sessions.userAgent, city: sessions.city, country: sessions.country, aal: sessions.aal, deviceHash: sessions.deviceHash })
      .from(sessions)
      .where(inArray(sessions.userId, account))
      .orderBy(desc(sessions.lastSeenAt)),
  )
  const browserRows = batch.add(
    db
      .select({ deviceHash: knownDevices.deviceHash, createdAt: knownDevices.createdAt, skipsSecondStepUntil: knownDevices.secondStepSkippedUntil })
      .from(knownDevices)
      .where(inArray(knownDevices.userId, account))
      .orderBy(asc(knownDevices.createdAt)),
  )
  const passkeyRows = batch.add(
    db
      .select({ name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt, backedUp: passkeys.backedUp, userAgent: passkeys.userAgent, city: passkeys.city, country: passkeys.country })
      .from(passkeys)
      .where(inArray(passkeys.userId, account))
      .orderBy(asc(passkeys.createdAt)),
  )
  const eventRows = batch.add(
    db
      .select({ type: securityEvents.type, method: securityEvents.method, createdAt: securityEvents.createdAt, ip: securityEvents.ip, userAgent: securityEvents.userAgent, city: securityEvents.city, country: securityEvents.country, detail: securityEvents.detail })
      .from(securityEvents)
      .where(inArray(securityEvents.userId, account))
      .orderBy(desc(securityEvents.createdAt)),
  )
  const mailRows = batch.add(
    db
      .select({ kind: outbox.kind, recipient: outbox.recipient, createdAt: outbox.createdAt, status: outbox.status, sentAt: outbox.sentAt })
      .from(outbox)
      // The mails about this account, wherever they went (migrations/0014): never another person's, whose address it once asked for.
      .where(and(eq(outbox.accountId, user.id), sql`EXISTS (SELECT 1 FROM ${account} AS account)`))
      .orderBy(desc(outbox.createdAt)),
  )
  const codesLeft = batch.add(
    db
      .select({ count: sql<number>`count(*)` })
      .from(recoveryCodes)
      .where(and(inArray(recoveryCodes.userId, account), sql`${recoveryCodes.usedAt} IS NULL`)),
  )
  const pendingRows = batch.add(listPendingEmailChanges(db, account))
  const changeRows = batch.add(listEmailChanges(db, account))
  const done = await batch.commit()
  const [person] = done.of(accountRow)
  if (!person) return null
  const sessionList = done.of(sessionRows)
  const iso = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(ms).toISOString())
  return {
    format: 'ecuabots-mis-datos/1',
    exportedAt: iso(clock.now()),
    account: {
      id: person.id,
      name: person.name,
      email: person.email,
      createdAt: iso(person.createdAt),
      emailConfirmedAt: iso(person.emailVerifiedAt),
      hasPassword: hasPassword(person),
      twoStep: person.twoStepSecret !== null,
      recoveryCodesLeft: person.twoStepSecret !== null ? (done.of(codesLeft)[0]?.count ?? 0) : 0,
      mailBounce: person.mailBouncedAt === null ? null : { at: iso(person.mailBouncedAt), type: person.mailBounceType },
    },
    sessions: sessionList.map((s) => ({
      device: describeDevice(s.userAgent),
      userAgent: s.userAgent,
      place: describePlace(s),
      startedAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt || s.createdAt),
      expiresAt: iso(s.expiresAt),
      method: s.method,
      twoFactors: s.aal === 2,
      thisSession: s.id === asking.sessionId,
    })),
    // A known browser is stored as a hash of its device cookie only: described by the latest session it ran, if one is open.
    knownBrowsers: done.of(browserRows).map((b) => {
      const seen = sessionList.find((s) => s.deviceHash === b.deviceHash)
      return { device: seen ? describeDevice(seen.userAgent) : null, firstSignInAt: iso(b.createdAt), skipsSecondStepUntil: iso(b.skipsSecondStepUntil) }
    }),
    passkeys: done.of(passkeyRows).map((p) => ({
      name: p.name,
      addedAt: iso(p.createdAt),
      lastUsedAt: iso(p.lastUsedAt),
      syncedByProvider: p.backedUp,
      addedFrom: { device: describeDevice(p.userAgent), place: describePlace(p) },
    })),
    securityActivity: done.of(eventRows).map((e) => ({
      type: e.type,
      method: e.method,
      at: iso(e.createdAt),
      ip: e.ip,
      device: describeDevice(e.userAgent),
      place: describePlace(e),
      detail: parsed(e.detail),
    })),
    mails: done.of(mailRows).map((m) => ({ kind: m.kind, to: m.recipient, queuedAt: iso(m.createdAt), status: m.status, sentAt: iso(m.sentAt) })),
    // Address changes waiting for their confirmation link; never the link.
    pendingChanges: done.of(pendingRows).map((change) => ({ newEmail: change.newEmail, requestedAt: iso(change.createdAt) })),
    // Every address change, pending or ended: the addresses the account moved between.
    addressChanges: done.of(changeRows).map((change) => ({ from: change.oldEmail, to: change.newEmail, status: change.status, requestedAt: iso(change.createdAt), endedAt: iso(change.endedAt) })),
  }
}

export type AccountData = NonNullable<Awaited<ReturnType<typeof exportAccountData>>>

/** An event's detail (a reset's counts, the support operator's name) as JSON, or null. */
function parsed(detail: string | null): unknown {
  if (!detail) return null
  try {
    return JSON.parse(detail)
  } catch {
    return null
  }
}
