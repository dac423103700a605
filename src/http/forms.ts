import type { Context } from 'hono'

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

/**
 * Where to go after signing in: only a path on this site. "//evil.com",
 * "/\evil.com" and absolute URLs are open redirects and are refused.
 */
export function safeNext(next: string | undefined, fallback = '/profile'): string {
  if (!next || next.length > 512 || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback
  if (/[\u0000-\u001f\\]/.test(next)) return fallback
  return next
}
