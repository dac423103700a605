import type { Context } from 'hono'
import type { Config } from '../config'
import { SESSION_LIFETIME } from '../auth/sessions'
import { BOOKMARK_COOKIE, openBookmark, sealBookmark } from '../db/client'
import type { AppEnv } from '../env'
import { domainCookie, hostCookie } from './cookies'

/**
 * The bookmark cookie: the D1 bookmark of the person's last write, sealed
 * (sealBookmark says why); HttpOnly, SameSite=Lax, as long-lived as a
 * session (a session cookie never outlives the bookmark of the write that
 * made it, so no replica that lacks a session is asked about it);
 * `__Host-`, or with COOKIE_DOMAIN the session cookie's domain
 * (bookmarkCookieName). One per domain setting, made once.
 */
const bookmarkCookies = new Map<string | null, ReturnType<typeof hostCookie>>()

function bookmarkCookieFor(config: Pick<Config, 'cookieDomain'>) {
  let cookie = bookmarkCookies.get(config.cookieDomain)
  if (!cookie) {
    cookie = config.cookieDomain ? domainCookie(BOOKMARK_COOKIE, SESSION_LIFETIME, config.cookieDomain) : hostCookie(BOOKMARK_COOKIE, SESSION_LIFETIME)
    bookmarkCookies.set(config.cookieDomain, cookie)
  }
  return cookie
}

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
