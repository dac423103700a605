import { and, eq, inArray, isNull, notInArray, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { createBatch } from '../db/batch'
import type { Database } from '../db/client'
import { recoveryCodes, sessions, users, type User } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { createKeyring, type Keyring } from '../crypto/keys'
import { queueMail, twoStepMail, type TwoStepChange } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { recordEvent } from './activity'
import { endEveryWayIn } from './eviction'
import { accountFound } from './account-ref'
import { dropFirstSteps } from './first-step'
import { endSecondStepSkips } from './known-devices'
import { NO_PASSWORD } from './accounts'
import { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode, recoveryCodeUnused, spendRecoveryCode, storeRecoveryCodes } from './recovery-codes'
import { decodeTotpSecret, encodeTotpSecret, generateTotpSecret, matchingStep, normalizeCode } from './totp'

// The account's second factor: an authenticator app (TOTP) and its recovery
// codes. Turning it on, off, and renewing the codes; checking a code typed
// at any of them or at sign-in's second step (src/auth/second-step.ts).

const keyrings = new WeakMap<Config, Keyring>()

/**
 * The app's secret cannot be hashed (the server computes the code from
 * it), so it is sealed with a key derived from SECRET_KEY for this purpose
 * only, bound to the user id: a leaked D1 alone holds no usable secret.
 */
export function twoStepKeyring(config: Config): Keyring {
  let keyring = keyrings.get(config)
  if (!keyring) keyrings.set(config, (keyring = createKeyring(config.secretKeys, 'two-step-secret')))
  return keyring
}

export function hasTwoStep(user: Pick<User, 'twoStepSecret'>): boolean {
  return user.twoStepSecret !== null
}

/** True (in SQL) when the account with this id column has two-step on. */
export function twoStepOn(userId: SQL | string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.twoStepSecret} IS NOT NULL)`
}

/**
 * What a typed answer proves, checked as far as can be before the batch: an
 * app code matched against the secret for a time step later than the last
 * one accepted, or something shaped like a recovery code (whether it is an
 * unused one of this account, the batch decides: see factorStillHolds).
 */
export type SecondFactor = { kind: 'app'; step: number } | { kind: 'recovery'; hash: string }

export async function checkSecondFactor(config: Config, user: Pick<User, 'id' | 'twoStepSecret' | 'twoStepLastStep'>, typed: string | undefined): Promise<SecondFactor | null> {
  const answer = (typed ?? '').trim()
  if (looksLikeRecoveryCode(answer)) return { kind: 'recovery', hash: await hashRecoveryCode(user.id, answer) }
  const secret = user.twoStepSecret && (await twoStepKeyring(config).open(user.twoStepSecret, user.id))
  if (!secret) return null
  const step = matchingStep(decodeTotpSecret(secret), normalizeCode(answer), clock.now())
  // A code already accepted (this step or an earlier one) is refused here; the batch checks again, atomically.
  return step !== null && step > user.twoStepLastStep ? { kind: 'app', step } : null
}

/**
 * True (in SQL) while the factor is still good: the app's step later than
 * the last accepted, or the recovery code unused. Guards every step of the
 * batch that acts on it; spendSecondFactor, last, makes it false, so of two
 * requests with the same code (batches run one after the other) only the
 * first acts.
 */
export function factorStillHolds(userId: string, factor: SecondFactor): SQL {
  return factor.kind === 'app'
    ? sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${userId} AND ${users.twoStepLastStep} < ${factor.step})`
    : recoveryCodeUnused(userId, factor.hash)
}

/** Spends the factor, `when` the batch acted on it: the app's step becomes the last accepted, or the recovery code is used. Last in its batch. */
export function spendSecondFactor(db: Database, userId: string, factor: SecondFactor, when: SQL = sql`true`) {
  return factor.kind === 'app'
    ? db.update(users).set({ twoStepLastStep: factor.step }).where(and(eq(users.id, userId), sql`${users.twoStepLastStep} < ${factor.step}`, when)).returning({ id: users.id })
    : spendRecoveryCode(db, userId, factor.hash, when)
}

/**
 * Starts setting it up: a new random secret, sealed, kept as pending until
 * a first code proves the app holds it (turnOnTwoStep). Null when
 * SECRET_KEY is not set (nothing to seal with) or two-step is already on.
 */
export async function startTwoStepSetup(db: Database, config: Config, userId: string) {
  const keyring = twoStepKeyring(config)
  if (!keyring.canSeal) return null
  const secret = generateTotpSecret()
  const sealed = await keyring.seal(encodeTotpSecret(secret), userId)
  const saved = await db
    .update(users)
    .set({ twoStepPendingSecret: sealed })
    .where(and(eq(users.id, userId), isNull(users.twoStepSecret)))
    .returning({ id: users.id })
  return saved.length ? secret : null
}

/** The secret being set up, to show again beside a wrong first code; null when none is pending. */
export async function pendingTwoStepSecret(config: Config, user: Pick<User, 'id' | 'twoStepPendingSecret'>) {
  const opened = user.twoStepPendingSecret && (await twoStepKeyring(config).open(user.twoStepPendingSecret, user.id))
  return opened ? decodeTotpSecret(opened) : null
}

type Who = { user: User; client: Client }

/**
 * Turns it on with the first code from the app: in one batch, guarded by
 * the pending secret this request checked (a second setup started
 * meanwhile wins), the secret made current with that code's step as the
 * last accepted, ten new recovery codes stored as hashes, the event and
 * the mail. Returns the codes (to show once), or why not.
 */
export async function turnOnTwoStep(db: Database, config: Config, { user, client }: Who, typed: string | undefined, sessionId: string) {
  const secret = await pendingTwoStepSecret(config, user)
  if (!secret) return { outcome: 'no-setup' as const }
  const step = matchingStep(secret, normalizeCode(typed), clock.now())
  if (step === null) return { outcome: 'wrong-code' as const, secret }
  const codes = generateRecoveryCodes()
  const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(user.id, code)))
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.twoStepPendingSecret} = ${user.twoStepPendingSecret} AND ${users.twoStepSecret} IS NULL)`
  const batch = createBatch(db)
  batch.add(db.delete(recoveryCodes).where(inArray(recoveryCodes.userId, account)))
  batch.add(storeRecoveryCodes(db, account, hashes))
  batch.add(recordEvent(db, account, 'two_step_enabled', client))
  const mail = batch.add(notice(db, config, { user, client }, { kind: 'on' }, accountFound(account)))
  // This session has just proven the code: it holds both factors now. Others
  // stay at one, so one that predates two-step cannot add a passkey (a way in
  // with no code) behind the owner's back (see mayAddPasskey).
  batch.add(db.update(sessions).set({ aal: 2 }).where(and(eq(sessions.id, sessionId), inArray(sessions.userId, account))))
  // Last: it changes what the guard reads.
  const turnedOn = batch.add(
    db
      .update(users)
      .set({ twoStepSecret: user.twoStepPendingSecret, twoStepPendingSecret: null, twoStepLastStep: sql`max(${users.twoStepLastStep}, ${step})` })
      .where(inArray(users.id, account))
      .returning({ id: users.id }),
  )
  const done = await batch.commit()
  if (done.of(turnedOn).length === 0) return { outcome: 'no-setup' as const }
  return { outcome: 'ok' as const, codes, queued: queuedIds(done.of(mail)) }
}

/**
 * Turns it off with a current code or an unused recovery code: in one
 * batch guarded by that factor and the secret this request read, the
 * secret removed, every recovery code and every first step waiting for a
 * second deleted, the event and the mail. Null when the factor was spent
 * meanwhile (nothing was written).
 */
export async function turnOffTwoStep(db: Database, config: Config, { user, client }: Who, factor: SecondFactor) {
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.twoStepSecret} = ${user.twoStepSecret} AND ${factorStillHolds(user.id, factor)})`
  const batch = createBatch(db)
  batch.add(recordEvent(db, account, 'two_step_disabled', client))
  const mail = batch.add(notice(db, config, { user, client }, { kind: 'off' }, accountFound(account)))
  batch.add(dropFirstSteps(db, account))
  batch.add(endSecondStepSkips(db, account))
  const turnedOff = batch.add(
    db
      .update(users)
      .set({ twoStepSecret: null, twoStepLastStep: factor.kind === 'app' ? sql`max(${users.twoStepLastStep}, ${factor.step})` : users.twoStepLastStep })
      .where(inArray(users.id, account))
      .returning({ id: users.id }),
  )
  // After: the guard above read the recovery code (if that was the factor) before it goes with the rest.
  batch.add(db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, user.id), sql`NOT ${twoStepOn(user.id)}`)))
  const done = await batch.commit()
  return done.of(turnedOff).length ? { queued: queuedIds(done.of(mail)) } : null
}

/**
 * Ten new recovery codes for old ones, with a current code or an unused
 * recovery code: the new hashes stored, then every other code deleted
 * (the one typed too), the event and the mail — all guarded by the factor.
 */
export async function renewRecoveryCodes(db: Database, config: Config, { user, client }: Who, factor: SecondFactor) {
  const codes = generateRecoveryCodes()
  const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(user.id, code)))
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.twoStepSecret} IS NOT NULL AND ${factorStillHolds(user.id, factor)})`
  const batch = createBatch(db)
  const stored = batch.add(storeRecoveryCodes(db, account, hashes).returning({ codeHash: recoveryCodes.codeHash }))
  batch.add(recordEvent(db, account, 'recovery_codes_renewed', client))
  const mail = batch.add(notice(db, config, { user, client }, { kind: 'renewed' }, accountFound(account)))
  // Last: they change what the guard reads.
  batch.add(db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, user.id), notInArray(recoveryCodes.codeHash, hashes), accountFound(account))))
  if (factor.kind === 'app') batch.add(spendSecondFactor(db, user.id, factor))
  const done = await batch.commit()
  return done.of(stored).length ? { codes, queued: queuedIds(done.of(mail)) } : null
}

/** The mail of a change, queued only `when` the batch made it. */
export function notice(db: Database, config: Config, { user, client }: Who, change: TwoStepChange, when: SQL) {
  return queueMail(db, config, twoStepMail(config, user, change, client, clock.now()), { when }).insert
}

/** Who acted for the account when support did: no browser, no place; the operator is named in the event's detail. */
const SUPPORT: Client = { ip: null, userAgent: null, city: null, country: null, timeZone: null }

/**
 * Support turns it off (`npm run two-step:off`, docs/operations.md), after
 * checking that the request came from the account's owner: for someone who
 * lost the phone and the recovery codes, or — `evict` — for an owner whose
 * account someone else entered (and perhaps locked with an app of their
 * own, or not). The same batch as turnOffTwoStep, guarded by the secret
 * that was read (a setup or change meanwhile wins; not when evicting), with
 * who did it in the activity and a mail to the owner. Evicting also ends every session, known browser, link and
 * passkey and clears the password (the intruder had it): the owner comes
 * back through "Olvidé mi contraseña", as the mail says, and adds her
 * passkeys again.
 */
export async function turnOffTwoStepBySupport(db: Database, config: Config, user: User, operator: string, evict = false) {
  // Evicting acts whatever two-step is now: an intruder who turned it off again keeps nothing either.
  const unchanged = evict ? sql`true` : sql`${users.twoStepSecret} = ${user.twoStepSecret}`
  const account = sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${unchanged})`
  const who = { user, client: SUPPORT }
  const batch = createBatch(db)
  batch.add(recordEvent(db, account, evict ? 'evicted_by_support' : 'two_step_disabled_by_support', SUPPORT, undefined, sql`${JSON.stringify({ operator })}`))
  const mail = batch.add(notice(db, config, who, { kind: evict ? 'off-by-support-evicted' : 'off-by-support' }, accountFound(account)))
  if (evict) {
    // Its session.revoked event is sent by the minutely cron: this runs outside a request.
    endEveryWayIn(batch, account, user.id)
    batch.add(db.update(users).set({ passwordHash: NO_PASSWORD, updatedAt: clock.now() }).where(inArray(users.id, account)))
  } else {
    batch.add(dropFirstSteps(db, account))
    batch.add(endSecondStepSkips(db, account))
  }
  const turnedOff = batch.add(db.update(users).set({ twoStepSecret: null }).where(inArray(users.id, account)).returning({ id: users.id }))
  batch.add(db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, user.id), sql`NOT ${twoStepOn(user.id)}`)))
  const done = await batch.commit()
  return done.of(turnedOff).length ? { queued: queuedIds(done.of(mail)) } : null
}
