import { and, eq, inArray, sql } from 'drizzle-orm'
import { clock, MINUTE } from '../clock'
import type { Client } from '../addresses/client-info'
import { recordEvent } from './activity'
import { hit, within } from './throttle'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { passkeys, users, type Passkey, type User } from '../db/schema'
import { createBatch } from '../db/batch'
import { startedSession, startSession, type SignInContext } from './start-session'
import { CHALLENGE_LIFETIME, spendChallenge, issueChallenge } from './webauthn-challenges'
import { bytesOf, expectedBy, parseAuthenticationResponse, webauthnLibrary } from './webauthn'

/**
 * Sign-in, step 1: the options for navigator.credentials.get, for the
 * button or the browser's autofill (conditional mediation). No account is
 * named: the passkey says whose it is (discoverable credentials), so the
 * options reveal nothing about which addresses have accounts.
 */
export async function startPasskeySignIn(db: Database, config: Config, browserHash: string) {
  const challenge = await issueChallenge(db, { browserHash, ceremony: 'sign_in', userId: null })
  await challenge.insert
  const { generateAuthenticationOptions } = await webauthnLibrary()
  return generateAuthenticationOptions({
    rpID: config.webauthn.rpId,
    challenge: bytesOf(challenge.challenge),
    timeout: CHALLENGE_LIFETIME,
    userVerification: 'required',
  })
}

/**
 * Sign-in, step 2: spends the challenge (this browser's, a sign-in's) and
 * finds the passkey by its credential id in one batch, then checks that the
 * user handle the authenticator returned is that passkey's account's, and
 * verifies the signature (see expectedBy). The sign count: 0
 * and 0 is a passkey that does not count (synced passkeys) and passes; an
 * authenticator that counts must count up, or it may be a clone. `reason`
 * is for the log only.
 */
export async function verifyPasskeySignIn(db: Database, config: Config, credential: string | undefined, browserHash: string | null) {
  const failed = (reason: string, userId: string | null = null, passkeyId: string | null = null) => ({ outcome: 'failed' as const, reason, userId, passkeyId })
  const response = parseAuthenticationResponse(credential)
  if (!response) return failed('malformed')
  const spend = await spendChallenge(db, response.challenge, { browserHash, ceremony: 'sign_in', userId: null })
  if (!spend) return failed('challenge')
  const byCredential = eq(passkeys.credentialId, response.id)
  const batch = createBatch(db)
  const spent = batch.add(spend.statement)
  // Two single-table reads: in a D1 batch the tables' same-named columns (id, created_at) would collide in a join.
  const storedPasskey = batch.add(db.select().from(passkeys).where(byCredential))
  const account = batch.add(db.select().from(users).where(inArray(users.id, db.select({ id: passkeys.userId }).from(passkeys).where(byCredential))))
  const found = await batch.commit()
  if (found.of(spent).length === 0) return failed('challenge')
  const [passkey] = found.of(storedPasskey)
  const [user] = found.of(account)
  if (!passkey || !user) return failed('unknown_credential')
  if (!user.webauthnUserId || response.response.userHandle !== user.webauthnUserId) return failed('user_handle', user.id, passkey.id)
  const { verifyAuthenticationResponse } = await webauthnLibrary()
  const verification = await verifyAuthenticationResponse({
    response,
    ...expectedBy(config, response.challenge),
    credential: { id: passkey.credentialId, publicKey: bytesOf(passkey.publicKey), counter: passkey.signCount },
  }).catch(() => null)
  if (!verification?.verified) return failed('verification', user.id, passkey.id)
  const { newCounter, credentialBackedUp } = verification.authenticationInfo
  return { outcome: 'ok' as const, user, passkey, newCounter, backedUp: credentialBackedUp }
}

/**
 * Starts a session through the same path as every way in (startSession:
 * fresh session, device remembered, event, new-device mail), in one batch
 * guarded by the sign count that was checked: of two responses racing with
 * counts that do not go up, the second finds the guard false and starts
 * nothing. The passkey's count, backup state and last use are written last.
 */
export async function signInWithPasskey(db: Database, checked: { user: User; passkey: Passkey; newCounter: number; backedUp: boolean }, who: SignInContext) {
  const { passkey, newCounter } = checked
  const countsUp = sql`(${passkeys.signCount} < ${newCounter} OR (${passkeys.signCount} = 0 AND ${newCounter} = 0))`
  const passkeyAccount = sql`(SELECT ${passkeys.userId} AS id FROM ${passkeys} WHERE ${passkeys.id} = ${passkey.id} AND ${countsUp})`
  const batch = createBatch(db)
  const session = await startSession(batch, passkeyAccount, who)
  // Last: it changes the count the guard above reads.
  batch.add(
    db
      .update(passkeys)
      .set({ signCount: newCounter, backedUp: checked.backedUp, lastUsedAt: clock.now() })
      .where(and(eq(passkeys.id, passkey.id), countsUp)),
  )
  const started = startedSession(await batch.commit(), session)
  return started && { ...started, user: checked.user }
}

/** How often a failing passkey may add an "Inicio de sesión fallido" to its account's activity. */
export const FAILED_PASSKEY_EVENT_WINDOW = 15 * MINUTE

/**
 * Records a failed sign-in with one of the account's passkeys, at most once
 * per passkey per window (counted in the throttles table, in the same
 * batch): one event per bad assertion would let whoever holds a credential
 * id push "Llave de acceso agregada" out of the events Seguridad shows.
 */
export function recordFailedPasskeySignIn(db: Database, failure: { userId: string; passkeyId: string }, client: Client) {
  const key = `passkey-failed:${failure.passkeyId}`
  // The hit runs first: the count is 1 only for the first failure of the window.
  const firstInWindow = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${failure.userId} AND ${within(key, 1)})`
  const batch = createBatch(db)
  batch.add(hit(db, key, FAILED_PASSKEY_EVENT_WINDOW))
  batch.add(recordEvent(db, firstInWindow, 'sign_in_failed', client, 'passkey'))
  return batch.commit()
}
