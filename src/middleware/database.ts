import { createMiddleware } from 'hono/factory'
import type { Config } from '../config'
import { BOOKMARK_COOKIE, isLaterBookmark, openDatabaseSession, readBookmark } from '../db/client'
import type { AppEnv } from '../env'
import { SESSION_LIFETIME } from '../auth/sessions'
import { domainCookie, hostCookie } from '../http/cookies'

/**
 * Which D1 instance each request reads: decided here, once, for every
 * route (docs/performance.md, "Read replicas").
 *
 * - Pages (GET, HEAD) and the apps' GET /api/session read from the nearest
 *   replica, in a D1 session that starts at the bookmark this browser
 *   carries: no replica older than the person's own last write answers, so
 *   a person always reads what they wrote.
 * - Everything else starts on the primary: sign-in checks, token spends,
 *   throttle counters, every change and the reads that guard it are POSTs.
 *   A replica may be a moment behind, and what lets someone in or spends a
 *   secret must see every write made anywhere before it.
 * - So do the pages that open a mailed link: the link was made a moment ago,
 *   most often from another browser, whose bookmark this one does not hold.
 *
 * After a request that started on the primary (every write is one), the
 * bookmark goes back to the browser if it is later than the one it sent —
 * to a person, not to an address: only when the request was made as the
 * signed-in person (behind requireAuthentication) or started a session. A
 * bookmark says how far the database has moved; an anonymous form (Olvidé
 * mi contraseña, an access link, a sign-up, a refused sign-in) that got one
 * could tell from how far its own request moved it whether its address had
 * an account. Nor do anonymous flows need one: what they read next is a
 * mailed link's page or a form, which read the primary anyway. Page views
 * send none back: the writes a GET makes ("last seen", the sliding expiry)
 * are bookkeeping no page needs to read back at once.
 */
export const chooseDatabase = createMiddleware<AppEnv>(async (c, next) => {
  const cookie = bookmarkCookieFor(c.var.config)
  // A bookmark D1 could not read is ignored, never passed on (see readBookmark).
  const carried = readBookmark(cookie.read(c))
  const readFrom = readsPrimary(c.req.method, c.req.path) ? 'primary' : 'nearest'
  const session = openDatabaseSession(c.env.DB, readFrom, carried)
  c.set('db', session.db)
  await next()
  const bookmark = session.bookmark()
  const asPerson = c.get('user') !== undefined || c.get('sessionStarted')
  if (readFrom === 'primary' && asPerson && isLaterBookmark(bookmark, carried)) cookie.set(c, bookmark)
})

/** GET and HEAD only read; the rest may write, or decide who gets in. */
const PAGE_METHODS = new Set(['GET', 'HEAD'])

/** The mailed links' pages: GET /login/email/:token, /email/verify/:token, /password/reset/:token and the /password/reset it moves to. */
const MAILED_LINK_PAGE = /^\/(?:login\/email\/[^/]+|email\/verify\/[^/]+|password\/reset(?:\/[^/]+)?)$/

function readsPrimary(method: string, path: string) {
  return !PAGE_METHODS.has(method) || MAILED_LINK_PAGE.test(path)
}

/**
 * The bookmark cookie: HttpOnly, SameSite=Lax, as long-lived as a session
 * (a session cookie never outlives the bookmark of the write that made it,
 * so no replica that lacks a session is asked about it); `__Host-`, or with
 * COOKIE_DOMAIN the session cookie's domain (bookmarkCookieName). One per
 * domain setting, made once.
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
