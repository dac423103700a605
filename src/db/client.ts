import { drizzle } from 'drizzle-orm/d1'
import type { Config } from '../config'

/**
 * The app's database: the D1 binding itself (every query on the primary) or
 * a D1 session of the Sessions API (see openDatabaseSession). drizzle's D1
 * driver calls only prepare() and batch(), which a session has too, hence
 * the cast. No `schema`: nothing uses drizzle's relational queries, and
 * building them costs about 30 µs — now paid per request.
 */
export function openDatabase(d1: D1Database | D1DatabaseSession) {
  return drizzle(d1 as D1Database)
}

export type Database = ReturnType<typeof openDatabase>

/**
 * Where a request's queries go (docs/performance.md, "Read replicas"):
 * - 'primary': the first query on the primary, so the request sees every
 *   write made anywhere before it — what decides security reads here.
 * - 'nearest': the nearest replica that is at least as new as `bookmark`
 *   (the browser's own last write), or any replica without one.
 * Writes go to the primary either way; the session's bookmark then moves
 * past them. Starting a session sends nothing: a request that never
 * queries costs no round trip.
 */
export function openDatabaseSession(d1: D1Database, readFrom: 'primary' | 'nearest', bookmark: string | null = null) {
  const session = d1.withSession(readFrom === 'primary' ? 'first-primary' : (bookmark ?? 'first-unconstrained'))
  return { db: openDatabase(session), bookmark: () => session.getBookmark() }
}

/**
 * The name of the cookie that carries a browser's D1 bookmark: like the
 * session cookie (sessionCookieName), `__Host-d1b`, or with COOKIE_DOMAIN
 * `__Secure-d1b` for that domain, so an app that forwards the person's
 * Cookie header forwards the bookmark of their last write with it.
 */
export const BOOKMARK_COOKIE = 'd1b'
export function bookmarkCookieName(config: Pick<Config, 'cookieDomain'>) {
  return config.cookieDomain ? `__Secure-${BOOKMARK_COOKIE}` : `__Host-${BOOKMARK_COOKIE}`
}

/**
 * A D1 bookmark as D1 writes them — four hex fields, e.g.
 * 00000001-00000002-00004e2f-0a83ea2fceebc654de0640c422be4653 — or null.
 * A cookie is the browser's to change: anything else (garbage, a huge
 * value) is ignored rather than handed to D1, whose answer to a bookmark it
 * cannot read would be an error page.
 */
export function readBookmark(value: string | null | undefined): string | null {
  return typeof value === 'string' && BOOKMARK.test(value) ? value : null
}
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/

/** Bookmarks sort as text, oldest first (D1's Time Travel docs): true if `bookmark` is past `than`. */
export function isLaterBookmark(bookmark: string | null, than: string | null): bookmark is string {
  return bookmark !== null && (than === null || bookmark > than)
}
