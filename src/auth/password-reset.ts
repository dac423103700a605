import { and, eq, inArray, ne, notInArray, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Config } from '../config'
import { accountWithEmail, passwordResetMail, queueSealedMail, throwawayRecipient } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import type { Database } from '../db/client'
import { knownDevices, passkeys, sessions, users } from '../db/schema'
import { runSteps } from '../db/steps'
import type { PasskeyRow } from '../../views/partials/passkeys'
import type { Client } from '../http/client'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { recordEvent } from './activity'
import { hashPassword } from './passwords'
import type { SignInContext } from './sign-in'
import type { MailBudget } from './throttle'
import { listPasskeys } from './passkeys'
import { findTokenOwner, matchToken, newOneTimeToken, tokenOwnerQuery } from './tokens'

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
  const owner = sql`(${db.select({ id: users.id }).from(users).where(and(eq(users.email, email), budget.allows))})`
  const results = await runSteps(db, {
    budget: budget.statements,
    reset: reset.insert,
    mail: mail.insert,
    event: recordEvent(db, owner, 'reset_requested', client),
    counted: budget.countQueued(mail.id), // last: the guards above read the mailbox's count before this mail
  })
  return queuedIds(results.mail)
}

/**
 * The name and address behind a live reset link (for the password rules),
 * with the account's passkeys (the page lists them to keep or remove), in
 * one round trip, without spending the link.
 */
export async function findResetOwner(db: Database, token: string | undefined) {
  const match = await matchToken(token, 'password_reset')
  if (!match) return null
  const found = await runSteps(db, { owner: findTokenOwner(db, match), passkeys: listPasskeys(db, tokenOwnerQuery(db, match)) })
  const owner = (found.owner as ResetOwner[])[0]
  return owner ? { ...owner, passkeys: found.passkeys as PasskeyRow[] } : null
}

type ResetOwner = { userId: string; name: string; email: string; emailVerifiedAt: number | null }

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
  pepper: string | null,
  token: string | undefined,
  password: string,
  who: SignInContext,
  keepPasskeys: string[],
  notice: (owner: SQL) => BatchItem<'sqlite'>,
) {
  const passwordHash = await hashPassword(password, pepper)
  const removable = (owner: SQL) => and(inArray(passkeys.userId, owner), notInArray(passkeys.id, keepPasskeys))
  const { signedIn, effectResult } = await spendLinkAndSignIn(db, await matchToken(token, 'password_reset'), { passwordHash }, {
    who,
    revokeSessions: true,
    spendAll: true, // every outstanding link and code of the account, not only resets
    first: (owner) => [recordEvent(db, owner, 'password_changed', who.client, undefined, reviewCounts(owner, who, removable(owner)))],
    effects: (owner) => [notice(owner), db.delete(passkeys).where(removable(owner))],
  })
  // The notice joins the sign-in's own queued mail (a new device's notice), not replaces it.
  return signedIn ? { ...signedIn, queued: [...signedIn.queued, ...queuedIds(effectResult(0))] } : null
}

/** The review's numbers as JSON, read before the batch's deletes: sessions, passkeys removed, browsers forgotten. */
function reviewCounts(owner: SQL, who: SignInContext, removable: SQL | undefined) {
  // This browser's own session, if it had one of this account, is replaced, not closed elsewhere.
  const otherSessions = and(inArray(sessions.userId, owner), who.replaces ? ne(sessions.tokenHash, who.replaces) : undefined)
  const otherBrowsers = and(inArray(knownDevices.userId, owner), ne(knownDevices.deviceHash, who.deviceHash))
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
