import type { Context } from 'hono'
import { generateSecret, hashSecret, isWellFormedSecret } from '../auth/secrets'
import { TOKEN_LIFETIME } from '../auth/tokens'
import { hostCookie } from './cookies'

/**
 * The browser that signed up holds a random secret in an HttpOnly cookie;
 * the confirmation link carries its hash. Confirming in that browser keeps
 * the password chosen at sign-up (see confirmEmail). Set on every sign-up
 * answer, for new and taken addresses alike, so the answer says nothing.
 */
const signupCookie = hostCookie('signup', TOKEN_LIFETIME.email_verification)

export async function bindSignupBrowser(c: Context): Promise<string> {
  const { secret, hash } = await generateSecret()
  signupCookie.set(c, secret)
  return hash
}

export async function signupBrowserOf(c: Context): Promise<string | null> {
  const secret = signupCookie.read(c)
  return isWellFormedSecret(secret) ? hashSecret(secret) : null
}
