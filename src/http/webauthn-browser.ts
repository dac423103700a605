import type { Context } from 'hono'
import { CHALLENGE_LIFETIME } from '../auth/webauthn-challenges'
import { browserSecret } from './cookies'

/**
 * `__Host-webauthn`: binds a passkey challenge to the browser that asked for
 * it. A challenge read off another screen, or a signed response relayed from
 * another browser, finds no challenge for this cookie. HttpOnly, so a script
 * cannot copy it; it lives as long as a challenge.
 */
const browser = browserSecret('webauthn', CHALLENGE_LIFETIME)

/** For a new challenge: this browser's id hash, creating (or refreshing) its cookie. Tabs of one browser share it. */
export function webauthnBrowserFor(c: Context): Promise<string> {
  return browser.ensure(c, { refresh: true })
}

/** For a response: the id hash of the browser sending it, or null without a cookie (nothing can match then). */
export function webauthnBrowserOf(c: Context): Promise<string | null> {
  return browser.hashOf(c)
}

export function forgetWebauthnBrowser(c: Context) {
  browser.forget(c)
}
