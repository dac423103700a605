import { newId } from '../db/ids'
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { clock } from '../clock'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { passkeys, sessions, users, type User } from '../db/schema'
import { createBatch } from '../db/batch'
import type { Client } from '../addresses/client-info'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { toBase64Url } from '../crypto/encoding'
import { checkName, normalizeName } from './names'
import { accountIdQuery, type AccountRef } from './account-ref'
import { passkeyNameFor } from './passkey-names'
import { sessionIsOpen } from './sessions'
import { CHALLENGE_LIFETIME, spendChallenge, issueChallenge } from './webauthn-challenges'
import { ALGORITHMS, bytesOf, expectedBy, parseRegistrationResponse, webauthnLibrary } from './webauthn'

// Registering, listing, renaming and removing an account's passkeys.
// Signing in with one is src/auth/passkey-sign-in.ts.

/** Enough for every device a person owns; bounds what one account can store. */
export const MAX_PASSKEYS = 20
export const MAX_PASSKEY_NAME = 64

/** A mail about a passkey, as a statement for the batch that adds or removes it, sent only if `guard` holds. */
export type PasskeyMail = (passkeyName: string, guard: SQL) => BatchItem<'sqlite'>

/** The profile's "Llaves de acceso", newest first. */
export function listPasskeys(db: Database, account: AccountRef) {
  return db
    .select({
      id: passkeys.id,
      credentialId: passkeys.credentialId,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
      userAgent: passkeys.userAgent,
      city: passkeys.city,
      country: passkeys.country,
    })
    .from(passkeys)
    .where(inArray(passkeys.userId, accountIdQuery(account)))
    .orderBy(desc(passkeys.createdAt))
}

/**
 * Registration, step 1: the options for navigator.credentials.create. The
 * account gets its WebAuthn user handle (random, never the address) the
 * first time; the authenticators it already has are excluded, so one
 * device is not registered twice. Resident key and user verification are
 * required: a passkey, not a second factor. `extra` joins the batch (the
 * re-authentication attempt given back).
 */
export async function startPasskeyRegistration(db: Database, config: Config, user: User, browserHash: string, extra: BatchItem<'sqlite'>[] = []) {
  const challenge = await issueChallenge(db, { browserHash, ceremony: 'register', userId: user.id })
  const batch = createBatch(db)
  const handle = batch.add(
    db
      .update(users)
      .set({ webauthnUserId: sql`coalesce(${users.webauthnUserId}, ${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))})` })
      .where(eq(users.id, user.id))
      .returning({ handle: users.webauthnUserId }),
  )
  const existing = batch.add(db.select({ id: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, user.id)))
  batch.add(challenge.insert)
  for (const statement of extra) batch.add(statement)
  const done = await batch.commit()
  const { generateRegistrationOptions } = await webauthnLibrary()
  return generateRegistrationOptions({
    rpName: config.appName,
    rpID: config.webauthn.rpId,
    userName: user.email,
    userDisplayName: user.name || user.email,
    userID: bytesOf(done.of(handle)[0]!.handle!),
    challenge: bytesOf(challenge.challenge),
    timeout: CHALLENGE_LIFETIME,
    attestationType: 'none',
    excludeCredentials: done.of(existing).map((passkey) => ({ id: passkey.id, transports: transportsOf(passkey.transports) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
  })
}

/**
 * Registration, step 2: spends the challenge (this browser's, this
 * account's, a registration's), verifies the response (see expectedBy),
 * and stores the passkey with its "added" event
 * and mail in one batch. A credential id already stored (for any account)
 * or an account at MAX_PASSKEYS stores nothing, nor does a session closed
 * meanwhile (`session_gone`: the route answers as for any closed session).
 * Otherwise `reason` is for the log
 * only: the person is told one thing.
 */
export async function finishPasskeyRegistration(
  db: Database,
  config: Config,
  user: User,
  input: { credential: string | undefined; browserHash: string | null; client: Client; mail: PasskeyMail; sessionId: string },
) {
  const failed = (reason: string) => ({ outcome: 'failed' as const, reason })
  const response = parseRegistrationResponse(input.credential)
  if (!response) return failed('malformed')
  const spend = await spendChallenge(db, response.challenge, { browserHash: input.browserHash, ceremony: 'register', userId: user.id })
  if (!spend || (await spend.statement).length === 0) return failed('challenge')
  const { verifyRegistrationResponse } = await webauthnLibrary()
  const verification = await verifyRegistrationResponse({
    response,
    ...expectedBy(config, response.challenge),
    supportedAlgorithmIDs: ALGORITHMS,
  }).catch(() => null)
  const info = verification?.verified ? verification.registrationInfo : null
  if (!info) return failed('verification')

  const id = newId()
  const now = clock.now()
  const name = passkeyNameFor(info.aaguid, input.client, now)
  const stored = sql`EXISTS (SELECT 1 FROM ${passkeys} WHERE ${passkeys.id} = ${id})`
  // Guarded by the session in the same statement, not only by the
  // middleware at the request's start: a reset (or a revoke) that commits
  // while this request verifies leaves nothing to insert, so no passkey
  // from a session it closed outlives it.
  const batch = createBatch(db)
  const session = batch.add(db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, user.id))))
  // Columns in table order (see migrations/0007_passkeys.sql, then 0010's user_agent, city, country).
  const insert = batch.add(
    db
      .insert(passkeys)
      .select(
        sql`SELECT ${id}, ${user.id}, ${info.credential.id}, ${toBase64Url(info.credential.publicKey)}, ${info.credential.counter},
                   ${JSON.stringify(cleanTransports(info.credential.transports))},
                   ${info.credentialDeviceType === 'multiDevice' ? 1 : 0}, ${info.credentialBackedUp ? 1 : 0}, ${info.aaguid}, ${name}, ${now}, NULL,
                   ${input.client.userAgent}, ${input.client.city}, ${input.client.country}
            WHERE (SELECT count(*) FROM ${passkeys} WHERE ${passkeys.userId} = ${user.id}) < ${MAX_PASSKEYS}
              AND EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.id} = ${input.sessionId} AND ${sessions.userId} = ${user.id})`,
      )
      .onConflictDoNothing()
      .returning({ id: passkeys.id }),
  )
  batch.add(recordEvent(db, sql`(SELECT ${passkeys.userId} AS id FROM ${passkeys} WHERE ${passkeys.id} = ${id})`, 'passkey_added', input.client))
  const mail = batch.add(input.mail(name, stored))
  const done = await batch.commit()
  if (done.of(insert).length === 0) return failed(done.of(session).length === 0 ? 'session_gone' : 'not_stored')
  return { outcome: 'ok' as const, passkey: { id, name }, queued: queuedIds(done.of(mail)) }
}

/** One line of visible text, like a person's name (same rules), at most MAX_PASSKEY_NAME characters. */
export function checkPasskeyName(raw: string | undefined): { name: string; valid: boolean } {
  const name = normalizeName(raw)
  return { name, valid: !checkName(name) && name.length <= MAX_PASSKEY_NAME }
}

/** Renames one of this account's passkeys (never someone else's: the account is part of the match), while the session asking is open. */
export function renamePasskey(db: Database, userId: string, passkeyId: string, name: string, asking: { sessionId: string }) {
  return db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId), sessionIsOpen(userId, asking.sessionId)))
    .returning({ id: passkeys.id })
}

/**
 * Removes one of this account's passkeys, with its "removed" event and mail
 * in the same batch (both only if this request is the one that deleted
 * it). An account may remove its last passkey: password, link and code stay.
 * Null when there was no such passkey, or the session asking was closed meanwhile.
 */
export async function removePasskey(db: Database, user: User, passkeyId: string, client: Client, mail: PasskeyMail, asking: { sessionId: string }) {
  const mine = and(eq(passkeys.id, passkeyId), eq(passkeys.userId, user.id), sessionIsOpen(user.id, asking.sessionId))
  const found = await db.select({ name: passkeys.name }).from(passkeys).where(mine).get()
  if (!found) return null
  const passkeyAccount = sql`(SELECT ${passkeys.userId} AS id FROM ${passkeys} WHERE ${mine})`
  const batch = createBatch(db)
  batch.add(recordEvent(db, passkeyAccount, 'passkey_removed', client))
  const queued = batch.add(mail(found.name, sql`EXISTS ${passkeyAccount}`))
  // Last: the guards above read the row it deletes.
  const removed = batch.add(db.delete(passkeys).where(mine).returning({ id: passkeys.id }))
  const done = await batch.commit()
  if (done.of(removed).length === 0) return null
  return { name: found.name, queued: queuedIds(done.of(queued)) }
}

/** Transports as stored (a JSON array of short words), for excludeCredentials. */
function transportsOf(stored: string | null) {
  try {
    return cleanTransports(JSON.parse(stored ?? '[]'))
  } catch {
    return undefined
  }
}

/** What the browser said about how to reach the authenticator: short words only, a few of them; anything else is dropped. */
function cleanTransports(list: unknown) {
  if (!Array.isArray(list)) return []
  return list.filter((item): item is never => typeof item === 'string' && /^[a-z-]{1,20}$/.test(item)).slice(0, 8)
}
