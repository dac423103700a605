import { createMiddleware } from 'hono/factory'
import { isLaterBookmark, openDatabaseSession } from '../db/client'
import type { AppEnv } from '../env'
import { readBookmarkCookie, setBookmarkCookie } from '../http/bookmark'

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
 *
 * The browser never sees a bookmark: the cookie holds it sealed
 * (sealBookmark), so a person cannot read how far the database moved
 * around someone else's form either, nor plant a bookmark of their own.
 * Only the server compares bookmarks. Signing out forgets it
 * (clearSessionCookie).
 */
export const chooseDatabase = createMiddleware<AppEnv>(async (c, next) => {
  // A cookie that does not open (tampered with, planted, from an old key) is ignored: any replica answers.
  const carried = await readBookmarkCookie(c)
  const readFrom = readsPrimary(c.req.method, c.req.path) ? 'primary' : 'nearest'
  const session = openDatabaseSession(c.env.DB, readFrom, carried)
  c.set('db', session.db)
  await next()
  if (readFrom !== 'primary') return
  const bookmark = session.bookmark()
  const change = c.get('sessionChange')
  // A sign-out forgot the bookmark with the session (clearSessionCookie); a sign-in always gets the one of its write.
  if (change === 'ended' || bookmark === null) return
  if (change === 'started' || (c.get('user') !== undefined && isLaterBookmark(bookmark, carried))) await setBookmarkCookie(c, bookmark)
})

/** GET and HEAD only read; the rest may write, or decide who gets in. */
const PAGE_METHODS = new Set(['GET', 'HEAD'])

/** The mailed links' pages: GET /login/email/:token, /email/verify/:token, /password/reset/:token and the /password/reset it moves to. */
const MAILED_LINK_PAGE = /^\/(?:login\/email\/[^/]+|email\/verify\/[^/]+|password\/reset(?:\/[^/]+)?)$/

/**
 * The pages whose answer is "is this browser signed in?": / and /login send
 * a signed-in person on to their profile. An app's "Cerrar sesión" ends the
 * session on the primary and sends the browser to /login at once; a replica
 * a moment behind would still hold the session and send it back in.
 */
const SIGN_IN_CHECK_PAGE = new Set(['/', '/login'])

function readsPrimary(method: string, path: string) {
  return !PAGE_METHODS.has(method) || MAILED_LINK_PAGE.test(path) || SIGN_IN_CHECK_PAGE.has(path)
}
