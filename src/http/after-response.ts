import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../env'

/**
 * Work that follows the answer (mail sends, the lookups of "Olvidé mi
 * contraseña") starts only once the response's body has been handed on in
 * full. Started from waitUntil right away, it ran in the same isolate while
 * the body was still being written, and the end of the body came later when
 * there was a mail to send (measured in wrangler dev: 40 ms against 5 ms):
 * a timing oracle for which addresses have an account. A `setTimeout(0)`
 * before the send did not help: the body is written after it.
 *
 * Taken by the runtime is not yet received: the last bytes still pass the
 * runtime's own layers, on the same thread as this isolate's JavaScript (in
 * wrangler dev, Miniflare's proxy worker; measured: with the work started
 * as soon as the body was taken, known 64–84 ms against unknown 14–19 ms
 * from headers to the end of the body). So the work also waits a while after
 * that (config.afterResponseSettleMs, 100 ms): a mail arrives a tenth of a
 * second later, which nobody sees.
 *
 * Every non-GET response gets a body that settles `responseSent` when the
 * runtime asks for more after its last chunk (or gives up on it), whether or
 * not work is waiting, so known and unknown addresses go the same way.
 * GET and HEAD answers start no work after the response; theirs settles at once.
 */
export const holdWorkUntilResponseSent = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') {
    c.set('responseSent', Promise.resolve())
    return next()
  }
  let sent!: () => void
  c.set('responseSent', new Promise<void>((resolve) => (sent = resolve)))
  await next()
  c.res = new Response(endingWith(c.res.body, sent), c.res)
})

/** The body, read on demand (one chunk per pull: highWaterMark 0), calling `done` once it has all been taken. */
function endingWith(body: ReadableStream<Uint8Array> | null, done: () => void): ReadableStream<Uint8Array> {
  const reader = body?.getReader()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = reader ? await reader.read() : { done: true as const, value: undefined }
        if (!chunk.done) return controller.enqueue(chunk.value)
        controller.close()
        done()
      },
      cancel(reason) {
        done()
        return reader?.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

/** Runs `work` after the response (see holdWorkUntilResponseSent), in waitUntil. */
export function afterResponse(c: Context<AppEnv>, work: () => Promise<unknown>) {
  c.executionCtx.waitUntil(c.var.responseSent.then(() => new Promise((settled) => setTimeout(settled, c.var.config.afterResponseSettleMs))).then(work))
}

/** Sends these outbox rows, and these account events to the apps' queue, after the response (neither send throws; the cron retries). */
export function sendAfterResponse(c: Context<AppEnv>, ids: string[], events: string[] = []) {
  afterResponse(c, () => c.var.outbox.send(...ids))
  sendEventsAfterResponse(c, events)
}

/** Sends these account events to the apps' queue after the response (never throws; the cron retries what fails). */
export function sendEventsAfterResponse(c: Context<AppEnv>, ids: string[]) {
  if (ids.length > 0) afterResponse(c, () => c.var.events.send(...ids))
}
