import type { Context } from 'hono'
import { sendAfterResponse } from './after-response'
import { requestAccessLink } from '../auth/access-links'
import { mailBudget } from '../auth/throttle'
import { ONE_TIME_TOKEN_LIFETIME } from '../auth/one-time-tokens'
import type { AppEnv } from '../env'
import { mailRequesterOf } from './requester'
import { hostCookie } from './cookies'
import { securityLog } from './log'
import { showWithheldInDevMailbox } from './withheld-in-dev'

/** Holds the secret that binds a request's code to the browser that asked; read only by /login/code. */
export const accessLinkRequestCookie = hostCookie('login_request', ONE_TIME_TOKEN_LIFETIME.login)

/**
 * Asks for an "enlace de acceso" (link + code) for this address from this
 * browser: within the mail budget, the same for every address, the code
 * bound to this browser by its cookie; the mail goes after the response.
 * Used by the link page and by the profile's "¿No la recuerda?".
 */
export async function sendAccessLink(c: Context<AppEnv>, email: string, options: { fromForgot: boolean; next?: string | null; whileSessionOpen?: { userId: string; sessionId: string } }) {
  const budget = await mailBudget(c.var.db, email, await mailRequesterOf(c), 'access')
  const request = await requestAccessLink(c.var.db, c.var.config, { email, fromForgot: options.fromForgot, next: options.next, whileSessionOpen: options.whileSessionOpen }, budget)
  securityLog(c, 'login_link_request', 'answered')
  accessLinkRequestCookie.set(c, request.browserSecret)
  sendAfterResponse(c, request.queued)
  await showWithheldInDevMailbox(c, email, 'access', request.queued)
}
