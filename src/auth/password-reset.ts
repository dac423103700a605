import { and, eq, sql } from 'drizzle-orm'
import type { Database } from '../db/client'
import { users } from '../db/schema'
import type { Client } from '../http/client'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { recordEvent } from './activity'
import { hashPassword } from './passwords'
import type { SignInContext } from './sign-in'
import type { MailBudget } from './throttle'
import { findOneTimeToken, matchToken, newOneTimeToken, wasIssued } from './tokens'

/**
 * A reset link for the account with this address, within the mail budget.
 * The same batch runs for every address; null when there is no account or
 * the budget is spent (the caller says the same either way).
 */
export async function requestPasswordReset(db: Database, email: string, budget: MailBudget, client: Client) {
  const reset = await newOneTimeToken(db, { email }, 'password_reset', { when: budget.allows })
  const owner = sql`(${db.select({ id: users.id }).from(users).where(and(eq(users.email, email), budget.allows))})`
  const results = await db.batch([
    ...budget.statements,
    reset.insert,
    recordEvent(db, owner, 'reset_requested', client),
  ])
  if (!wasIssued(results[budget.statements.length])) return null
  const user = await findUserByEmail(db, email)
  return user ? { user, token: reset.token } : null
}

/** The name and address behind a live reset link (for the password rules), without spending it. */
export function findResetOwner(db: Database, token: string | undefined) {
  return findOneTimeToken(db, token, 'password_reset')
}

/**
 * Sets the new password from a reset link. In one batch: the new hash, every
 * existing session revoked (whoever had the old password is out), a fresh
 * session for this browser, the link and every other reset link spent, the
 * change recorded.
 */
export async function resetPassword(db: Database, pepper: string | null, token: string | undefined, password: string, who: SignInContext) {
  const passwordHash = await hashPassword(password, pepper)
  const { signedIn } = await spendLinkAndSignIn(db, await matchToken(token, 'password_reset'), { passwordHash }, {
    who,
    revokeSessions: true,
    events: ['password_changed'],
  })
  return signedIn
}
