import type { Context } from 'hono'
import { sessionCookieFor } from '../auth/sessions'
import type { AppEnv } from '../env'

// The session cookie on this request (see sessionCookieFor): the route reads
// and writes it; the domain sees only its value.

export function setSessionCookie(c: Context<AppEnv>, token: string) {
  sessionCookieFor(c.var.config).set(c, token)
}

export function clearSessionCookie(c: Context<AppEnv>) {
  sessionCookieFor(c.var.config).clear(c)
}

export function readSessionCookie(c: Context<AppEnv>) {
  return sessionCookieFor(c.var.config).read(c)
}
