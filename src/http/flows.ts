import type { Context } from 'hono'
import { ONE_TIME_TOKEN_LIFETIME } from '../auth/one-time-tokens'
import type { AppEnv } from '../env'
import { accessLinkRequestCookie } from './access-link-request'
import { hostCookie } from './cookies'
import { forgetSignupBrowser } from './signup-browser'
import { forgetRememberedInput } from './remembered-input'
import { forgetWebauthnBrowser } from './webauthn-browser'

/** An opened reset link's token, moved out of the URL; read only by /password/reset. */
export const resetCookie = hostCookie('password_reset', ONE_TIME_TOKEN_LIFETIME.password_reset)

/**
 * A browser keeps nothing of a flow in progress once someone signs in or
 * out on it: an opened reset link, a sign-in request (the code's browser
 * secret), the browser that signed up, a passkey challenge, what was typed
 * and where it was going. On a shared computer the next person would
 * otherwise find the previous one's address prefilled, land on their page,
 * or set a password on their account from a reset link left open. Called by
 * every way in (beginSession) and every way out (sign-out here, an app's
 * sign-out seen as a dead session cookie, closing this session on Seguridad).
 */
export function forgetFlowsInProgress(c: Context<AppEnv>) {
  resetCookie.clear(c)
  accessLinkRequestCookie.clear(c)
  forgetSignupBrowser(c)
  forgetWebauthnBrowser(c)
  forgetRememberedInput(c)
}
