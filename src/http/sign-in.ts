import type { Context } from 'hono'
import { sendAfterResponse } from './after-response'
import { forgetSessionClosedNotice, readSessionCookie, setSessionCookie } from './session'
import { hashSecret, isWellFormedSecret } from '../auth/secrets'
import type { SignInContext } from '../auth/start-session'
import type { SignInMethod } from '../db/schema'
import type { AppEnv } from '../env'
import { newSignInMail } from '../mail/messages'
import { clientOf, deviceOf } from './requester'
import { securityLog } from './log'
import { nextFor } from './forms'
import { forgetFlowsInProgress, resetCookie } from './flows'
import { rememberInput, rememberedInputOf, rememberedNextFor } from './remembered-input'
import { forgetEarlierNotice, withNotice } from './notices'
import { firstStepCookie } from './first-step-cookie'

/** Who is signing in from this request, and how. Creates the device cookie on a first sign-in. */
export async function signInContext(c: Context<AppEnv>, method: SignInMethod): Promise<SignInContext> {
  const current = readSessionCookie(c)
  const resetLink = resetCookie.read(c)
  const client = clientOf(c)
  return {
    client,
    deviceHash: await deviceOf(c),
    method,
    // A passkey with user verification is two factors in one (the device, and the fingerprint, face or PIN that unlocks it).
    secondStepDone: method === 'passkey',
    replaces: isWellFormedSecret(current) ? await hashSecret(current) : null,
    resetLinkHere: isWellFormedSecret(resetLink) ? await hashSecret(resetLink) : null,
    newDeviceNotice: { mail: newSignInMail(c.var.config, client, method), stream: c.var.config.postmark?.messageStream ?? 'outbound' },
  }
}

/**
 * Where a sign-in by a mailed link, code or confirmation lands: an account
 * without a password goes to the profile to choose one; otherwise where
 * this browser was going (carried in its own cookie), else where the link
 * was asked to lead (stored with it: an app's origin, not a path a stranger
 * could choose), each checked again; else `fallback()`. The fallback is
 * made only when taken: one that sets a notice (withNotice) on a path the
 * browser does not take would leave that notice for whoever next opens it.
 */
export function landingAfter(c: Context<AppEnv>, signedIn: { next: string | null; needsPassword: boolean; user: { email: string } }, fallback: () => string) {
  if (signedIn.needsPassword) return withNotice(c, '/profile', 'cree-contrasena')
  return nextFor(c, rememberedNextFor(c, signedIn.user.email) ?? signedIn.next ?? undefined, '') || fallback()
}

/**
 * Every way in ends here, after the domain started the session
 * (startSession): hands this browser its new session (the one it held
 * before, if any, was ended in the same batch), clears what the browser held
 * for the flow that led here (forgetFlowsInProgress: every way in ends here,
 * so none can forget it) and any notice an earlier response left unread
 * (forgetEarlierNotice), and sends, after the response, the mail the batch
 * queued (a new device's notice). A name drafted on this account's profile
 * before "¿No la recuerda?" survives, for this account only: it is why that
 * flow signed in. Returns `to`, where the browser goes next.
 */
export function beginSession(
  c: Context<AppEnv>,
  signedIn: { sessionToken: string | null; firstStepToken: string | null; method: SignInMethod; newDevice: boolean; queued: string[]; user: { email: string } },
  to: string,
) {
  if (!signedIn.sessionToken) return askSecondStep(c, signedIn, to)
  const draft = rememberedInputOf(c)
  forgetFlowsInProgress(c)
  forgetSessionClosedNotice(c)
  forgetEarlierNotice(c, to)
  if (draft.name && draft.email === signedIn.user.email) rememberInput(c, { email: draft.email, name: draft.name }, {})
  setSessionCookie(c, signedIn.sessionToken)
  c.set('sessionChange', 'started')
  securityLog(c, 'sign_in', 'ok', { method: signedIn.method, newDevice: signedIn.newDevice })
  sendAfterResponse(c, signedIn.queued)
  return to
}

/**
 * Two-step is on: the first step is held (src/auth/first-step.ts), and this
 * browser gets its cookie instead of a session. What the flow left behind
 * is forgotten as for a sign-in (the link or reset it spent is spent); where
 * the person was going travels on to the second step, checked again there.
 * Mails the batch queued (a reset's "contraseña cambiada") go out now.
 */
function askSecondStep(c: Context<AppEnv>, signedIn: { firstStepToken: string | null; method: SignInMethod; queued: string[] }, to: string) {
  forgetFlowsInProgress(c)
  if (signedIn.firstStepToken) firstStepCookie.set(c, signedIn.firstStepToken)
  securityLog(c, 'sign_in', 'second_step', { method: signedIn.method })
  sendAfterResponse(c, signedIn.queued)
  return `/login/two-step?next=${encodeURIComponent(to)}`
}
