import { Hono, type Context } from 'hono'
import { JWKS_MAX_AGE, tokenIssuerFor } from '../apps/app-tokens'
import type { AppEnv } from '../env'
import { readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { currentSession } from '../http/session'

/**
 * Short-lived tokens for apps (see src/apps/app-tokens.ts). Mounted before the
 * deny-by-default line because an app wants a JSON 401, not a redirect to
 * /login; POST /api/token checks the session itself.
 */
export const apiTokenRoutes = new Hono<AppEnv>()

/** Only POST: no GET or HEAD answers a token, so no link, prefetch or image can fetch one. */
apiTokenRoutes.post('/api/token', async (c) => {
  c.header('Cache-Control', 'no-store')
  if (fromAnotherSite(c)) return c.json({ error: 'cross-site request' }, 403)
  const issuer = tokenIssuerFor(c.env, c.var.config)
  if (issuer.problem) {
    logNotConfigured(c, issuer.problem)
    return c.json({ error: 'tokens are not configured on this server (TOKEN_SIGNING_KEYS)' }, 503)
  }
  // The body first: a request held open across a reset gets no token for the session the reset closed.
  const audience = await readAudience(c)
  const signedIn = await currentSession(c)
  if (!signedIn) return c.json({ error: 'not signed in' }, 401)
  if (!audience || !issuer.audiences.includes(audience)) return c.json({ error: 'aud must be one of TOKEN_AUDIENCES' }, 400)
  const { token, expiresAt } = await issuer.issueToken(audience, signedIn)
  securityLog(c, 'api_token', 'issued', { aud: audience })
  return c.json({ token, expiresAt })
})

/** Public keys only; apps cache them for JWKS_MAX_AGE, which is what the rotation waits for. */
apiTokenRoutes.get('/.well-known/jwks.json', (c) => {
  const issuer = tokenIssuerFor(c.env, c.var.config)
  if (issuer.problem) logNotConfigured(c, issuer.problem)
  return c.json(issuer.jwks, 200, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE}` })
})

/**
 * A browser says where a request comes from; a backend forwarding the
 * person's Cookie header sends neither header, and is let through. hono/csrf
 * already refuses cross-site form bodies, but not JSON ones: here any
 * other origin is refused whatever the body, a sibling subdomain
 * (same-site, which a COOKIE_DOMAIN session cookie reaches) included.
 */
function fromAnotherSite(c: Context<AppEnv>): boolean {
  const site = c.req.header('Sec-Fetch-Site')
  const origin = c.req.header('Origin')
  return (site !== undefined && site !== 'same-origin') || (origin !== undefined && origin !== c.var.config.appUrl.origin)
}

/** `aud` from a JSON body (backends) or a form (pages). */
async function readAudience(c: Context<AppEnv>): Promise<string | undefined> {
  if (/^application\/json\b/i.test(c.req.header('Content-Type') ?? '')) {
    const body: unknown = await c.req.json().catch(() => null)
    const aud = (body as { aud?: unknown } | null)?.aud
    return typeof aud === 'string' ? aud : undefined
  }
  return (await readForm(c)).aud
}

/** Loud on every use: an app that cannot get or check tokens is broken until the secret is set. */
function logNotConfigured(c: Context<AppEnv>, problem: string) {
  console.error(JSON.stringify({ event: 'api_token.not_configured', requestId: c.get('requestId'), problem }))
}
