import { DrizzleQueryError } from 'drizzle-orm'

// What may be written to the logs of things that are not requests (an
// exception, a mail provider's answer): the domain logs through these too,
// so they know no HTTP. A request's own log line is src/http/log.ts.

export type ErrorSummary = { name: string; code?: string; cause?: ErrorSummary }

/**
 * What may be logged of a caught exception: its name and a code, and the
 * same of its cause. Never its message: drizzle's carries the query's bound
 * parameters (addresses, token hashes), D1's may quote a value.
 */
export function describeError(error: unknown, depth = 0): ErrorSummary {
  if (!(error instanceof Error)) return { name: typeof error }
  // drizzle's query error keeps the generic name "Error"; say which it is (class names do not survive minification).
  const name = error instanceof DrizzleQueryError ? 'DrizzleQueryError' : error.name
  const summary: ErrorSummary = { name: /^[\w.$-]{1,60}$/.test(name) ? name : 'Error' }
  const code = codeOf(error)
  if (code) summary.code = code
  if (error.cause !== undefined && depth < 2) summary.cause = describeError(error.cause, depth + 1)
  return summary
}

/**
 * A `code` property that looks like one (ECONNRESET, 406), or D1's codes:
 * its messages read "D1_ERROR: <details>: SQLITE_CONSTRAINT", and only the
 * two codes at the ends are taken, never the details between them.
 */
function codeOf(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code
  if ((typeof own === 'string' || typeof own === 'number') && /^[\w.-]{1,40}$/.test(String(own))) return String(own)
  const d1 = /^(D1_[A-Z_]{1,40})\b/.exec(error.message)?.[1]
  if (!d1) return undefined
  const sqlite = /\b(SQLITE_[A-Z_]{1,40})(?: \(extended: SQLITE_[A-Z_]+\))?$/.exec(error.message)?.[1]
  return sqlite ? `${d1} ${sqlite}` : d1
}

/** A third party's text (Postmark's verdict) with anything shaped like an address blanked. */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s'"<>(),;:]+@[^\s'"<>(),;:]+/g, '[dirección]')
}
