import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import type { AppEnv } from '../env'
import { ipKey } from '../addresses/ip'
import { securityLog } from '../http/log'
import { t } from '../i18n'
import { MessagePage } from '../../views/message'

/**
 * Per-IP request rate on a form (Workers Rate Limiting binding: cheap, no
 * D1 write). Over the rate: 429 with Retry-After and a Spanish message that
 * says nothing about any account. A missing binding (a deployment without
 * [[ratelimits]]) fails open, loudly, rather than taking the forms down.
 *
 * One counter per route pattern and IP key: the pattern this middleware was
 * registered under (`/login/email/:token`), not the requested path, or every
 * made-up token would get a fresh counter; and an IPv6 /64, not one address
 * of it (see ipKey).
 */
/**
 * Per-IP rates on every form that checks a secret or sends a mail (30 a
 * minute, wrangler.toml's AUTH_LIMITER). Listed one by one: "/login/*"
 * would also match "/login" and count it twice. test/rate-limits.test.ts
 * keeps its own copy of this list and fails when the two differ, so a form
 * is neither added nor dropped here by accident.
 */
export const RATE_LIMITED_FORMS = [
  '/login', '/login/email', '/login/email/:token', '/login/code', '/signup', '/signup/resend', '/password/forgot', '/password/reset', '/email/verify/:token',
  // The profile's forms too: they check the current password and close sessions.
  '/profile', '/profile/reauth', '/profile/sessions/:id/revoke', '/profile/sessions/revoke-others',
  // Passkeys: each options call writes a challenge, each response costs a signature check.
  '/login/passkey/options', '/login/passkey', '/profile/passkeys/options', '/profile/passkeys', '/profile/passkeys/:id/rename', '/profile/passkeys/:id/delete',
  // Two-step: each second step or code checks an HMAC and counts; setup re-authenticates.
  '/login/two-step', '/security/two-step/setup', '/security/two-step/confirm', '/security/two-step/off', '/security/two-step/codes',
  // Seguridad's data download and account deletion check the current password.
  '/security/data', '/security/delete',
  // Each token costs a signature; a person needs one every few minutes at most.
  '/api/token',
  // The address change: the request mails two links, the links check a secret.
  '/profile/email', '/email/change/:token', '/email/undo/:token', '/security/email-changes/:id/cancel',
] as const

export function limitPerIp(binding: 'AUTH_LIMITER') {
  return createMiddleware<AppEnv>(async (c, next) => {
    const limiter = c.env[binding]
    if (!limiter) {
      console.error(JSON.stringify({ event: 'rate_limit.not_configured', binding }))
      return next()
    }
    const { success } = await limiter.limit({ key: `${routePath(c)}:${ipKey(c.req.header('cf-connecting-ip'))}` })
    if (success) return next()
    securityLog(c, 'rate_limit', 'refused', { binding })
    c.header('Retry-After', '60')
    return c.html(<MessagePage title={t.throttled.title} body={t.throttled.tooFast} links={[{ href: '/login', label: t.login.title }]} />, 429)
  })
}
