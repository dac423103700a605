import type { Context } from 'hono'
import { requestEmailLogin } from '../auth/email-login'
import { mailBudget } from '../auth/throttle'
import { TOKEN_LIFETIME } from '../auth/tokens'
import type { AppEnv } from '../env'
import { mailRequesterOf } from './client'
import { hostCookie } from './cookies'
import { securityLog } from './log'
import { showWithheldInDevMailbox } from './withheld-mail'

/** Holds the secret that binds a request's code to the browser that asked; read only by /login/code. */
export const requestCookie = hostCookie('login_request', TOKEN_LIFETIME.login)

/**
 * Asks for an "enlace de acceso" (link + code) for this address from this
 * browser: within the mail budget, the same for every address, the code
 * bound to this browser by its cookie; the mail goes after the response.
 * Used by the link page and by the profile's "¿No la recuerda?".
 */
export async function sendAccessLink(c: Context<AppEnv>, email: string, options: { fromForgot: boolean; next?: string | null }) {
  const budget = await mailBudget(c.var.db, email, await mailRequesterOf(c), 'access')
  const request = await requestEmailLogin(c.var.db, c.var.config, { email, fromForgot: options.fromForgot, next: options.next }, budget)
  securityLog(c, 'login_link_request', 'answered')
  requestCookie.set(c, request.browserSecret)
  c.executionCtx.waitUntil(c.var.outbox.send(...request.queued))
  await showWithheldInDevMailbox(c, email, 'access', request.queued)
}
