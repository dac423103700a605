import { drizzle } from 'drizzle-orm/d1'
import type { Config } from '../config'
import { createKeyring, type Keyring } from '../crypto/keys'

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
 * Anything else (garbage, a huge value) is never handed to D1, whose answer
 * to a bookmark it cannot read would be an error page.
 */
export function readBookmark(value: string | null | undefined): string | null {
  return typeof value === 'string' && BOOKMARK.test(value) ? value : null
}
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/

/**
 * The bookmark cookie never shows a bookmark. A bookmark's commit counter
 * says how far the whole database moved between two of a person's requests;
 * read around an anonymous form for someone else's address, it would say
 * whether that address has an account. So the browser holds it sealed
 * (AES-256-GCM, a random IV each time, under a key derived from SECRET_KEY:
 * src/crypto/keys.ts) and only the server compares bookmarks. Sealing also
 * means a browser cannot plant one (a "future" bookmark that would stick).
 * Without SECRET_KEY nothing is sealed and no bookmark is handed out: pages
 * then read from any replica.
 */
const bookmarkKeyrings = new WeakMap<Pick<Config, 'secretKeys'>, Keyring>()

function bookmarkKeyring(config: Pick<Config, 'secretKeys'>) {
  let keyring = bookmarkKeyrings.get(config)
  if (!keyring) {
    keyring = createKeyring(config.secretKeys, 'd1-bookmark')
    bookmarkKeyrings.set(config, keyring)
  }
  return keyring
}

/** The AES-GCM associated data: a sealed value made for something else never opens as a bookmark. */
const SEALED_FOR = 'd1-bookmark'

/** A bookmark as the cookie carries it, or null when there is no key to seal with. */
export async function sealBookmark(config: Pick<Config, 'secretKeys'>, bookmark: string): Promise<string | null> {
  const keyring = bookmarkKeyring(config)
  return keyring.canSeal ? keyring.seal(bookmark, SEALED_FOR) : null
}

/** The bookmark a cookie carries, or null if it does not open (absent, tampered with, from a rotated-away key, not a bookmark): then it is ignored. */
export async function openBookmark(config: Pick<Config, 'secretKeys'>, sealed: string | null | undefined): Promise<string | null> {
  if (typeof sealed !== 'string' || sealed.length > 512) return null
  return readBookmark(await bookmarkKeyring(config).open(sealed, SEALED_FOR))
}

/** Bookmarks sort as text, oldest first (D1's Time Travel docs): true if `bookmark` is past `than`. */
export function isLaterBookmark(bookmark: string | null, than: string | null): bookmark is string {
  return bookmark !== null && (than === null || bookmark > than)
}
