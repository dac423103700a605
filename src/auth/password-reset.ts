import { and, eq, inArray, ne, notInArray, sql, type SQL } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import { accountWithEmail, passwordChangedMail, passwordResetMail, queueMail, queueSealedMail, throwawayRecipient } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import type { Database } from '../db/client'
import { knownDevices, passkeys, sessions, users } from '../db/schema'
import { createBatch } from '../db/batch'
import type { Client } from '../addresses/client-info'
import { findUserByEmail, openLink, otherSessionsExist, signedInByLink } from './accounts'
import { queueAccountEvent, queuedEventIds } from './account-events'
import { recordEvent } from './activity'
import { accountExists } from './account-ref'
import { hashPassword } from './passwords'
import { deleteUserSessions } from './sessions'
import { forgetDevices, endSecondStepSkips } from './known-devices'
import { dropFirstSteps } from './first-step'
import { startSession, type SignInContext } from './start-session'
import type { MailBudget } from './throttle'
import { listPasskeys } from './passkeys'
import { findTokenAccount, tokenBySecret, newOneTimeToken, spendAllTokens, accountOpenedBy } from './one-time-tokens'

/**
 * A reset link and its mail for the account with this address, within the
 * mail budget, in one batch (the link and its mail commit together). The
 * caller runs this after the response and says the same for every address.
 * An unknown address does the same work — a link made, a mail rendered and
 * sealed, the same statements — and the batch writes none of it, so the
 * time taken says nothing about whether the address has an account.
 * Returns the outbox ids to send (none for an unknown address or over budget).
 */
export async function requestPasswordReset(db: Database, config: Config, email: string, budget: MailBudget, client: Client, next: string | null = null) {
  const user = await findUserByEmail(db, email)
  const reset = await newOneTimeToken(db, { email }, 'password_reset', { when: budget.allows, next })
  const mail = await queueSealedMail(db, config, passwordResetMail(config, user ?? throwawayRecipient(email), reset.token), {
    expiresAt: reset.expiresAt,
    when: and(budget.allows, accountWithEmail(email)),
  })
  const account = sql`(${db.select({ id: users.id }).from(users).where(and(eq(users.email, email), budget.allows))})`
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  batch.add(reset.insert)
  const queued = batch.add(mail.insert)
  batch.add(recordEvent(db, account, 'reset_requested', client))
  batch.add(budget.countQueued(mail.id)) // last: the guards above read the mailbox's count before this mail
  const done = await batch.commit()
  return queuedIds(done.of(queued))
}

/**
 * The name and address behind a live reset link (for the password rules),
 * with the account's passkeys (the page lists them to keep or remove), in
 * one round trip, without spending the link.
 */
export async function findResetAccount(db: Database, token: string | undefined) {
  const selector = await tokenBySecret(token, 'password_reset')
  if (!selector) return null
  const batch = createBatch(db)
  const accountRow = batch.add(findTokenAccount(db, selector))
  const passkeysOf = batch.add(listPasskeys(db, accountOpenedBy(db, selector)))
  const found = await batch.commit()
  const [account] = found.of(accountRow)
  return account ? { ...account, passkeys: found.of(passkeysOf) } : null
}

/** What a reset closed, stored on its "password_changed" event (the review on Seguridad reads it). */
export type ResetReview = { sessions: number; passkeys: number; browsers: number }

/**
 * Sets the new password from a reset link. Whoever got in without the
 * owner leaves no way back: in one batch, the new hash, every existing
 * session revoked, every browser but this one forgotten, every passkey not
 * in `keepPasskeys` deleted (ids of another account's passkeys match
 * nothing), a fresh session for this browser, the link and every other
 * link or code of the account spent, and the change recorded with how much
 * it closed (counted first, in the same transaction, so the numbers are
 * what the deletes removed).
 */
export async function resetPassword(
  db: Database,
  config: Config,
  reset: { token: string | undefined; account: { name: string; email: string; emailVerifiedAt: number | null }; password: string; keepPasskeys: string[] },
  who: SignInContext,
) {
  const { keepPasskeys } = reset
  const passwordHash = await hashPassword(reset.password, config.passwords)
  // An account nobody had confirmed loses its sign-up name with this reset: the notice greets without it.
  const notice = passwordChangedMail(config, reset.account, who.client, clock.now())
  const selector = await tokenBySecret(reset.token, 'password_reset')
  if (!selector) return null
  const batch = createBatch(db)
  const link = openLink(batch, selector, { passwordHash })
  const removable = and(inArray(passkeys.userId, link.opens), notInArray(passkeys.id, keepPasskeys))
  // Counted before the deletes below, so the numbers are what they removed;
  // stamped with the new session's start, so the review (reviewOf) finds it
  // no older than the session it belongs to.
  const now = clock.now()
  batch.add(recordEvent(db, link.opens, 'password_changed', who.client, undefined, reviewCounts(link.opens, who, removable), now))
  // The apps are told: the password changed, and sessions were closed (only if there were any, read before they go).
  const changed = batch.add(queueAccountEvent(db, link.opens, 'account.password_changed', undefined, now).insert)
  const revoked = batch.add(queueAccountEvent(db, link.opens, 'session.revoked', otherSessionsExist(link.opens), now).insert)
  // Whoever had the old password is out: no session (before this one starts) …
  batch.add(deleteUserSessions(db, link.opens))
  // … nor a first step waiting for its code (before this browser's own is held).
  batch.add(dropFirstSteps(db, link.opens))
  batch.add(endSecondStepSkips(db, link.opens))
  // … this browser's reset link is the one being spent, with every other link below.
  const session = await startSession(batch, link.opens, { ...who, resetLinkHere: null }, now)
  // … and no browser but this one counts as the owner's any more (after the
  // new-device notice has read which browsers the account knew).
  batch.add(forgetDevices(db, link.opens, who.deviceHash))
  const noticeQueued = batch.add(queueMail(db, config, notice, { when: accountExists(link.opens) }).insert)
  batch.add(db.delete(passkeys).where(removable))
  batch.add(spendAllTokens(db, link.opens)) // every outstanding link and code of the account, not only resets
  const done = await batch.commit()
  const signedIn = signedInByLink(done, link, session)
  // The one mail of a reset: startSession queues no new-device notice for it (this one names the device).
  return signedIn ? { ...signedIn, queued: [...signedIn.queued, ...queuedIds(done.of(noticeQueued))], events: queuedEventIds(done.of(changed), done.of(revoked)) } : null
}

/** The review's numbers as JSON, read before the batch's deletes: sessions, passkeys removed, browsers forgotten. */
function reviewCounts(opens: SQL, who: SignInContext, removable: SQL | undefined) {
  // This browser's own session, if it had one of this account, is replaced, not closed elsewhere.
  const otherSessions = and(inArray(sessions.userId, opens), who.replaces ? ne(sessions.tokenHash, who.replaces) : undefined)
  const otherBrowsers = and(inArray(knownDevices.userId, opens), ne(knownDevices.deviceHash, who.deviceHash))
  return sql`json_object(
    'sessions', (SELECT count(*) FROM ${sessions} WHERE ${otherSessions}),
    'passkeys', (SELECT count(*) FROM ${passkeys} WHERE ${removable}),
    'browsers', (SELECT count(*) FROM ${knownDevices} WHERE ${otherBrowsers}))`
}

/** The review of the reset that started this session, if it started with one; null otherwise or if unreadable. */
export function reviewOf(session: { method: string; createdAt: number }, lastChange: { createdAt: number; detail: string | null } | undefined): ResetReview | null {
  // The reset's event is made just after its session, in the same batch, so it is never older than the session;
  // a later reset would have ended this session, and a later password change carries no counts.
  if (session.method !== 'reset' || !lastChange?.detail || lastChange.createdAt < session.createdAt) return null
  try {
    const { sessions, passkeys, browsers } = JSON.parse(lastChange.detail) as ResetReview
    return [sessions, passkeys, browsers].every(Number.isInteger) ? { sessions, passkeys, browsers } : null
  } catch {
    return null
  }
}
