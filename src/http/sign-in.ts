import type { Context } from 'hono'
import { readSessionCookie, setSessionCookie } from '../auth/sessions'
import { hashSecret, isWellFormedSecret } from '../auth/secrets'
import type { SignInContext } from '../auth/sign-in'
import type { SignInMethod } from '../db/schema'
import type { AppEnv } from '../env'
import { sendNewSignInMail } from '../mail/messages'
import { clientOf, deviceOf } from './client'
import { securityLog } from './log'

/** Who is signing in from this request, and how. Creates the device cookie on a first sign-in. */
export async function signInContext(c: Context<AppEnv>, method: SignInMethod): Promise<SignInContext> {
  const current = readSessionCookie(c)
  return {
    client: clientOf(c),
    deviceHash: await deviceOf(c),
    method,
    replaces: isWellFormedSecret(current) ? await hashSecret(current) : null,
  }
}

/**
 * Hands this browser its new session (the one it held before, if any, was
 * ended in the sign-in batch). A sign-in from a device the account has not
 * used before gets a notice mail.
 */
export function beginSession(
  c: Context<AppEnv>,
  signedIn: { sessionToken: string; newDevice: boolean; user: { name: string; email: string } },
  method: SignInMethod,
) {
  setSessionCookie(c, signedIn.sessionToken)
  securityLog(c, 'sign_in', 'ok', { method, newDevice: signedIn.newDevice })
  if (signedIn.newDevice) c.executionCtx.waitUntil(sendNewSignInMail(c.var, signedIn.user, clientOf(c), method))
}
