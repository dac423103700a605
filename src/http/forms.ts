import type { Context } from 'hono'
import type { AppEnv } from '../env'

/**
 * The submitted form as plain strings. A body that is not a form, or not
 * parseable at all, reads as an empty form: the handler then answers with
 * its usual "missing field" messages (4xx), never a 500.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
  try {
    const body = await c.req.parseBody()
    const form: Record<string, string> = {}
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value
    return form
  } catch {
    return {}
  }
}

/** The pages a sign-in may send back to (by path; `?` and `#` suffixes kept). */
const NEXT_PAGES = ['/', '/profile', '/security']

/**
 * Where to go after signing in: one of NEXT_PAGES, anything else is the
 * fallback. An allow-list, because the other paths on this site are not
 * places to land: token routes (`/login/email/:token`, `/email/verify/:token`,
 * `/password/reset/:token`) would put a secret in the address bar and
 * history, and `/logout`, `/dev/…`, `/webhooks/…`, `/validate/…` are not
 * pages. Printable ASCII only, and no backslash, `//` or encoded slash or
 * backslash anywhere: the shapes of open redirects ("//evil.com", "/\evil.com").
 */
export function safeNext(next: string | undefined, fallback = '/profile', returnOrigins: readonly string[] = []): string {
  if (!next || next.length > 512 || !/^[\x21-\x7e]+$/.test(next) || next.includes('\\')) return fallback
  if (!next.startsWith('/')) return returnTo(next, returnOrigins) ?? fallback
  if (next.includes('//') || /%(2f|5c)/i.test(next)) return fallback
  const page = next.split(/[?#]/, 1)[0]!
  return NEXT_PAGES.includes(page) ? next : fallback
}

/**
 * An absolute `next` back to an app (RETURN_ORIGINS): the URL parser, not a
 * string test, decides its origin, and that origin must be one of the list
 * exactly — so `https://app.ecuabots.com.evil.com`, `https://evil.com?.ecuabots.com`,
 * `https://app.ecuabots.com@evil.com` (user info), `https:evil.com`, another
 * port or scheme, and `javascript:` all fall back. The raw text must also
 * begin with that origin and a slash, so nothing the parser forgave
 * (backslashes, tabs, user info) survives into the Location header.
 */
function returnTo(next: string, returnOrigins: readonly string[]): string | null {
  let url: URL
  try {
    url = new URL(next)
  } catch {
    return null
  }
  if (!returnOrigins.includes(url.origin) || !(next === url.origin || next.startsWith(`${url.origin}/`))) return null
  return url.href
}

/** safeNext with this deployment's RETURN_ORIGINS. */
export function nextFor(c: Context<AppEnv>, next: string | undefined, fallback = '/profile'): string {
  return safeNext(next, fallback, c.var.config.returnOrigins)
}
