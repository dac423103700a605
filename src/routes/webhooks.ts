import { Hono, type Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { basicAuth } from 'hono/basic-auth'
import { normalizeEmail } from '../addresses/email'
import { sha256Hex } from '../crypto/encoding'
import { clock } from '../clock'
import type { AppEnv } from '../env'
import { securityLog } from '../http/log'
import { ipKey } from '../addresses/ip'
import { WEBHOOK_AUTH_FAILURES } from '../auth/limits'
import { hit, refund } from '../auth/throttle'
import { recordBounce } from '../mail/bounces'

/**
 * Postmark's bounce webhook (configured in Postmark with basic-auth
 * credentials "postmark:<POSTMARK_WEBHOOK_SECRET>" in the URL). Without the
 * secret configured the endpoint does not exist.
 */
export const webhookRoutes = new Hono<AppEnv>()

/**
 * Every attempt is counted before the credentials are checked (one atomic
 * statement, so parallel guesses each see their own number) and a right
 * one is given back: what is left counts failed authentications per IP.
 * Past WEBHOOK_AUTH_FAILURES, the IP gets 429 without its credentials being
 * looked at, right or wrong: answering a right secret there would let
 * guessing go on at full speed, 429 for a wrong one and 200 for the right
 * one. Postmark retries a refused webhook, and its addresses only fill up
 * if someone guesses from them, so a real bounce is delayed, not lost.
 */
const limitFailedAuthentication = createMiddleware<AppEnv>(async (c, next) => {
  const [attempt] = await hit(c.var.db, webhookAttemptKey(c), WEBHOOK_AUTH_FAILURES.window)
  if (attempt!.count <= WEBHOOK_AUTH_FAILURES.limit) return next()
  securityLog(c, 'webhook_auth', 'throttled')
  c.header('Retry-After', String(Math.max(1, Math.ceil((attempt!.resetAt - clock.now()) / 1000))))
  return c.json({ error: 'too many failed attempts' }, 429)
})

function webhookAttemptKey(c: Context<AppEnv>) {
  return `webhook:ip:${ipKey(c.req.header('cf-connecting-ip'))}`
}

/** Postmark signs in with basic auth; the secret is compared as digests: equal lengths, constant time. */
const postmarkAuthentication = basicAuth({
  verifyUser: async (username, password, c) => {
    const [given, expected] = await Promise.all([sha256Hex(`${username}:${password}`), sha256Hex(`postmark:${c.var.config.postmarkWebhookSecret}`)])
    const encoder = new TextEncoder()
    const right = crypto.subtle.timingSafeEqual(encoder.encode(given), encoder.encode(expected))
    if (right) await refund(c.var.db, webhookAttemptKey(c))
    return right
  },
})

webhookRoutes.post(
  '/webhooks/postmark/bounce',
  async (c, next) => (c.var.config.postmarkWebhookSecret ? next() : c.notFound()),
  limitFailedAuthentication,
  postmarkAuthentication,
  async (c) => {
    const bounce = (await c.req.json().catch(() => null)) as { RecordType?: string; Type?: string; Email?: string; Inactive?: boolean } | null
    const email = typeof bounce?.Email === 'string' ? normalizeEmail(bounce.Email) : ''
    if (!bounce || !email) return c.json({ error: 'not a Postmark bounce' }, 400)
    const type = String(bounce.Type ?? bounce.RecordType ?? '').slice(0, 50)
    const outcome = await recordBounce(c.var.db, { email, type, recordType: bounce.RecordType ?? null, inactive: bounce.Inactive === true })
    securityLog(c, 'mail_bounce', outcome, { type })
    return c.json({ ok: true })
  },
)
