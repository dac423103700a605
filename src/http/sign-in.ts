import type { Context } from 'hono'
import { deleteSession, setSessionCookie } from '../auth/sessions'
import type { SignInContext } from '../auth/sign-in'
import type { SignInMethod } from '../db/schema'
import type { AppEnv } from '../env'
import { sendNewSignInMail } from '../mail/messages'
import { clientOf, deviceOf } from './client'
import { securityLog } from './log'

/** Who is signing in from this request, and how. Creates the device cookie on a first sign-in. */
export async function signInContext(c: Context<AppEnv>, method: SignInMethod): Promise<SignInContext> {
  return { client: clientOf(c), deviceHash: await deviceOf(c), method }
}

/**
 * Hands this browser a newly created session. A session the browser already
 * held (someone else signed in here before) is ended on the server too, so
 * replacing the cookie never leaves a live session behind. A sign-in from a
 * device the account has not used before gets a notice mail.
 */
export async function beginSession(
  c: Context<AppEnv>,
  signedIn: { sessionToken: string; newDevice: boolean; user: { name: string; email: string } },
  method: SignInMethod,
) {
  if (c.var.session) await deleteSession(c.var.db, c.var.session.id)
  setSessionCookie(c, signedIn.sessionToken)
  securityLog(c, 'sign_in', 'ok', { method, newDevice: signedIn.newDevice })
  if (signedIn.newDevice) c.executionCtx.waitUntil(sendNewSignInMail(c.var, signedIn.user, clientOf(c), method))
}
