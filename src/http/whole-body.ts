import type { Context } from 'hono'

/**
 * Waits until the whole request body has arrived (hono keeps it, so the
 * handler's readForm or json reads it again from memory). A signed-in
 * request is judged by its session as it is once the request is complete,
 * not when its headers came: a body held open across a reset must not act
 * with the session the reset closed. The body is already size-limited
 * (bodyLimit, MAX_BODY_BYTES); one that breaks off reads as empty.
 */
export async function receiveWholeBody(c: Context): Promise<void> {
  if (!c.req.raw.body) return
  await c.req.arrayBuffer().catch(() => undefined)
}
