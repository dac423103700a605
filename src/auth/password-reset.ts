import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import type { Config } from '../config'
import { accountWithEmail, passwordResetMail, queueSealedMail, throwawayRecipient } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import type { Database } from '../db/client'
import { users } from '../db/schema'
import { runSteps } from '../db/steps'
import type { Client } from '../http/client'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { recordEvent } from './activity'
import { hashPassword } from './passwords'
import type { SignInContext } from './sign-in'
import type { MailBudget } from './throttle'
import { findOneTimeToken, matchToken, newOneTimeToken } from './tokens'

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

/** The name and address behind a live reset link (for the password rules), without spending it. */
export function findResetOwner(db: Database, token: string | undefined) {
  return findOneTimeToken(db, token, 'password_reset')
}

/**
 * Sets the new password from a reset link. In one batch: the new hash, every
 * existing session revoked (whoever had the old password is out), a fresh
 * session for this browser, the link and every other link or code of the
 * account spent, the change recorded.
 */
export async function resetPassword(
  db: Database,
  pepper: string | null,
  token: string | undefined,
  password: string,
  who: SignInContext,
  notice: (owner: SQL) => BatchItem<'sqlite'>,
) {
  const passwordHash = await hashPassword(password, pepper)
  const { signedIn, effectResult } = await spendLinkAndSignIn(db, await matchToken(token, 'password_reset'), { passwordHash }, {
    who,
    revokeSessions: true,
    spendAll: true, // every outstanding link and code of the account, not only resets
    events: ['password_changed'],
    effects: (owner) => [notice(owner)],
  })
  // The notice joins the sign-in's own queued mail (a new device's notice), not replaces it.
  return signedIn ? { ...signedIn, queued: [...signedIn.queued, ...queuedIds(effectResult(0))] } : null
}
