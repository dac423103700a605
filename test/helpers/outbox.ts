import { createScheduledController, env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, vi, type MockInstance } from 'vitest'
import { outbox } from '../../src/db/schema'
import { createWorker } from '../../src/index'
import { HOURLY } from '../../src/maintenance'
import { db } from './database'
import { postmark } from './mail'

export { advance, setClock } from './clock'
export { db } from './database'

/** After each test: the real clock and console again, and a Postmark that answers. */
export function restoreAfterEach() {
  afterEach(() => {
    vi.restoreAllMocks()
    postmark.failWhen = null
    postmark.failNext = null
  })
}

/**
 * The Worker's Cron Triggers as Cloudflare runs them (the worker's own
 * `scheduled`), under `bindings`, with mail going to `fetchImpl` (the fake
 * Postmark unless a test needs one that stalls).
 */
export function cronOf(bindings: typeof env = env, fetchImpl: typeof fetch = postmark.fetch) {
  const worker = createWorker({ fetch: fetchImpl })
  return {
    everyMinute: () => worker.scheduled(createScheduledController({ cron: '* * * * *' }), bindings),
    hourly: () => worker.scheduled(createScheduledController({ cron: HOURLY }), bindings),
  }
}

export const { everyMinute, hourly } = cronOf()

export const UNAVAILABLE = { status: 503, body: { ErrorCode: 0, Message: 'Service unavailable' } }
/** What Postmark answers a rotated or mistyped server token. */
export const BAD_TOKEN = { status: 401, body: { ErrorCode: 10, Message: 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid.' } }

/** What an operator finds in a body that held a link or code, once it is no longer needed. */
export const REDACTED = '[redactado: contenía un enlace o código de un solo uso]'

/**
 * Storage is shared with the other test files a worker runs: sends what they
 * left due (Postmark answering), so that what the cron does next is this
 * test's own mails alone.
 */
export async function sendWhatOtherFilesLeftDue() {
  for (let calls = -1; calls !== postmark.calls; ) {
    calls = postmark.calls
    await everyMinute()
  }
}

/** The outbox rows to one address, oldest first. */
export function rowsTo(email: string) {
  return db.select().from(outbox).where(eq(outbox.recipient, email)).orderBy(outbox.createdAt)
}

export async function rowOf(id: string) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id))
  if (!row) throw new Error(`no outbox row ${id}`)
  return row
}

/** A JSON log line, parsed, with the `line` as it was written (to search it for what must not be there). */
export type LogLine = { line: string; [field: string]: unknown }

/** Silences console.error and returns a reader of its JSON lines with one `event`. */
export function captureMailLog() {
  const spy: MockInstance<typeof console.error> = vi.spyOn(console, 'error').mockImplementation(() => {})
  return (event: string): LogLine[] =>
    spy.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.startsWith('{') && JSON.parse(line).event === event)
      .map((line) => ({ ...JSON.parse(line), line }))
}
