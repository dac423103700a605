import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { normalizeEmail } from '../auth/emails'
import { sha256Hex } from '../auth/encoding'
import { clock } from '../clock'
import { users } from '../db/schema'
import type { AppEnv } from '../env'
import { securityLog } from '../http/log'

/**
 * Postmark's bounce webhook (configured in Postmark with basic-auth
 * credentials "postmark:<POSTMARK_WEBHOOK_SECRET>" in the URL). Without the
 * secret configured the endpoint does not exist.
 */
export const webhookRoutes = new Hono<AppEnv>()

/** Bounces that mean mail will not get through: the address is gone or refuses us. */
const UNDELIVERABLE = new Set(['HardBounce', 'BadEmailAddress', 'SpamComplaint', 'SpamNotification', 'ManuallyDeactivated', 'Blocked'])

webhookRoutes.post(
  '/webhooks/postmark/bounce',
  async (c, next) => (c.var.config.postmarkWebhookSecret ? next() : c.notFound()),
  basicAuth({
    verifyUser: async (username, password, c) => {
      // Compared as digests: equal lengths, constant time.
      const [given, expected] = await Promise.all([sha256Hex(`${username}:${password}`), sha256Hex(`postmark:${c.var.config.postmarkWebhookSecret}`)])
      const encoder = new TextEncoder()
      return crypto.subtle.timingSafeEqual(encoder.encode(given), encoder.encode(expected))
    },
  }),
  async (c) => {
    const bounce = (await c.req.json().catch(() => null)) as { RecordType?: string; Type?: string; Email?: string; Inactive?: boolean } | null
    const email = typeof bounce?.Email === 'string' ? normalizeEmail(bounce.Email) : ''
    if (!bounce || !email) return c.json({ error: 'not a Postmark bounce' }, 400)
    const type = String(bounce.Type ?? bounce.RecordType ?? '').slice(0, 50)
    const undeliverable = bounce.Inactive === true || UNDELIVERABLE.has(type) || bounce.RecordType === 'SpamComplaint'
    if (undeliverable) {
      await c.var.db.update(users).set({ mailBouncedAt: clock.now(), mailBounceType: type }).where(eq(users.email, email))
    }
    securityLog(c, 'mail_bounce', undeliverable ? 'marked' : 'ignored', { type })
    return c.json({ ok: true })
  },
)
