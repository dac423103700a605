import type { Context } from 'hono'
import { ONE_TIME_TOKEN_LIFETIME } from '../auth/one-time-tokens'
import { browserSecret } from './cookies'

/**
 * The browser that signed up holds a random secret in an HttpOnly cookie;
 * the confirmation link carries its hash. Confirming in that browser keeps
 * the password chosen at sign-up (see confirmEmail). Set on every sign-up
 * answer, for new and taken addresses alike, so the answer says nothing.
 */
const signup = browserSecret('signup', ONE_TIME_TOKEN_LIFETIME.email_verification)

export function bindSignupBrowser(c: Context): Promise<string> {
  return signup.renew(c)
}

export function signupBrowserOf(c: Context): Promise<string | null> {
  return signup.hashOf(c)
}

export function forgetSignupBrowser(c: Context) {
  signup.forget(c)
}
