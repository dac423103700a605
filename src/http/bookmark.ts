import type { Context } from 'hono'
import { SESSION_LIFETIME } from '../auth/sessions'
import { BOOKMARK_COOKIE, openBookmark, sealBookmark } from '../db/client'
import type { AppEnv } from '../env'
import { sharedCookie } from './cookies'

/**
 * The bookmark cookie: the D1 bookmark of the person's last write, sealed
 * (sealBookmark says why); HttpOnly, SameSite=Lax, as long-lived as a
 * session (a session cookie never outlives the bookmark of the write that
 * made it, so no replica that lacks a session is asked about it);
 * `__Host-`, or with COOKIE_DOMAIN the session cookie's domain
 * (sharedCookie).
 */
const bookmarkCookieFor = sharedCookie(BOOKMARK_COOKIE, SESSION_LIFETIME)

/** The bookmark this browser carries, or null: a cookie that does not open is ignored, never passed to D1. */
export function readBookmarkCookie(c: Context<AppEnv>): Promise<string | null> {
  return openBookmark(c.var.config, bookmarkCookieFor(c.var.config).read(c))
}

/** Hands the browser `bookmark`, sealed; without SECRET_KEY, none. */
export async function setBookmarkCookie(c: Context<AppEnv>, bookmark: string) {
  const sealed = await sealBookmark(c.var.config, bookmark)
  if (sealed !== null) bookmarkCookieFor(c.var.config).set(c, sealed)
}

/** On sign-out: the next person at this browser starts from no one's bookmark. */
export function forgetBookmark(c: Context<AppEnv>) {
  const cookie = bookmarkCookieFor(c.var.config)
  if (cookie.read(c) !== undefined) cookie.clear(c)
}
