import type { Context } from 'hono'
import { CHALLENGE_LIFETIME } from '../auth/webauthn-challenges'
import { generateSecret, hashSecret, isWellFormedSecret } from '../auth/secrets'
import { hostCookie } from './cookies'

/**
 * `__Host-webauthn`: binds a passkey challenge to the browser that asked for
 * it. A challenge read off another screen, or a signed response relayed from
 * another browser, finds no challenge for this cookie. HttpOnly, so a script
 * cannot copy it; it lives as long as a challenge.
 */
const browserCookie = hostCookie('webauthn', CHALLENGE_LIFETIME)

/** For a new challenge: this browser's id hash, creating (or refreshing) its cookie. Tabs of one browser share it. */
export async function webauthnBrowserFor(c: Context): Promise<string> {
  let secret = browserCookie.read(c)
  if (!isWellFormedSecret(secret)) secret = (await generateSecret()).secret
  browserCookie.set(c, secret)
  return hashSecret(secret)
}

/** For a response: the id hash of the browser sending it, or null without a cookie (nothing can match then). */
export async function webauthnBrowserOf(c: Context): Promise<string | null> {
  const secret = browserCookie.read(c)
  return isWellFormedSecret(secret) ? hashSecret(secret) : null
}
