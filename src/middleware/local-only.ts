import { createMiddleware } from 'hono/factory'
import { readConfig } from '../config'
import type { AppEnv } from '../env'

/**
 * With the dev mailbox on, /dev/mail shows live links and codes to whoever
 * can reach this machine's port. A page the developer visits can point its
 * own hostname at 127.0.0.1 (DNS rebinding) and read it, and spend what it
 * reads: Host and Origin then agree, so the CSRF check passes. So in
 * development only APP_URL's host is answered; any other gets 421
 * Misdirected Request and nothing else — no page, no cookie, no query.
 * The Host header and the URL are both checked: either may carry the name
 * the browser used, depending on what sits in front of the Worker.
 */
export const answerOnlyAppHost = createMiddleware<AppEnv>(async (c, next) => {
  const config = readConfig(c.env)
  if (!config.devMailbox) return next()
  const host = config.appUrl.host
  const asked = c.req.header('host')
  if (new URL(c.req.url).host !== host || (asked !== undefined && asked.toLowerCase() !== host)) return new Response(null, { status: 421 })
  return next()
})
