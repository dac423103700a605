import type { Database } from '../db/client'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { hashPassword } from './passwords'
import { matchToken, newOneTimeToken } from './tokens'

/** A reset token for the account with this address, or null when there is none (the caller says the same either way). */
export async function requestPasswordReset(db: Database, email: string) {
  const user = await findUserByEmail(db, email)
  if (!user) return null
  const reset = await newOneTimeToken(db, user.id, 'password_reset')
  await reset.insert
  return { user, token: reset.token }
}

/**
 * Sets the new password from a reset link. In one batch: the new hash, every
 * existing session revoked (whoever had the old password is out), a fresh
 * session for this browser, the link and every other reset link spent.
 */
export async function resetPassword(db: Database, pepper: string | null, token: string | undefined, password: string) {
  const passwordHash = await hashPassword(password, pepper)
  const { signedIn } = await spendLinkAndSignIn(db, await matchToken(token, 'password_reset'), { passwordHash }, { revokeSessions: true })
  return signedIn
}
