import { importJWK, SignJWT, type JWK } from 'jose'
import { clock, MINUTE } from '../clock'
import type { Config } from '../config'
import type { Session, User } from '../db/schema'
import type { Bindings } from '../config/bindings'

/**
 * Short-lived signed tokens for apps that cannot call back (a phone app, a
 * service on another cloud): an ES256 JWT that says who is signed in, which
 * the app checks offline against /.well-known/jwks.json. Nothing revokes
 * one, so it lives 5 minutes; an app guarding a sensitive action asks
 * `session()` instead.
 */
export const APP_TOKEN_LIFETIME = 5 * MINUTE

/** How long apps may cache the key set, in seconds. A rotation waits this long plus APP_TOKEN_LIFETIME (docs/apps.md). */
export const JWKS_MAX_AGE = 600

export type TokenIssuer = {
  /** TOKEN_AUDIENCES: the only `aud` values a token may carry. */
  audiences: readonly string[]
  /** Why nothing can be signed (for the log; never key material), or null. */
  problem: string | null
  /** The public halves of every configured key, the first (the signing one) first. */
  jwks: { keys: JWK[] }
  issueToken(audience: string, person: { user: User; session: Session }): Promise<{ token: string; expiresAt: number }>
}

const issuers = new WeakMap<Bindings, TokenIssuer>()

/** Read once per isolate, like readConfig; the private key is imported on the first token. */
export function tokenIssuerFor(env: Bindings, config: Config): TokenIssuer {
  let issuer = issuers.get(env)
  if (!issuer) {
    issuer = createTokenIssuer(env, config)
    issuers.set(env, issuer)
  }
  return issuer
}

function createTokenIssuer(env: Bindings, config: Config): TokenIssuer {
  const audiences = env.TOKEN_AUDIENCES?.split(',').map((audience) => audience.trim()).filter(Boolean) ?? []
  const configured = env.TOKEN_SIGNING_KEYS?.trim() || (config.devMailbox ? DEVELOPMENT_SIGNING_KEYS : '')
  const parsed = configured ? parseSigningKeys(configured) : { keys: [], problem: 'TOKEN_SIGNING_KEYS is not set' }
  const signing = parsed.keys[0]
  let signingKey: Promise<CryptoKey> | undefined
  return {
    audiences,
    problem: parsed.problem,
    jwks: { keys: parsed.keys.map(publicHalf) },
    async issueToken(audience, { user, session }) {
      if (!signing) throw new Error(parsed.problem ?? 'no signing key')
      signingKey ??= importJWK(signing, 'ES256') as Promise<CryptoKey>
      const issuedAt = Math.floor(clock.now() / 1000)
      const expiresAt = issuedAt + APP_TOKEN_LIFETIME / 1000
      const token = await new SignJWT({ sid: session.id, email: user.email, email_verified: user.emailVerifiedAt !== null, amr: amrOf(session) })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: signing.kid })
        .setIssuer(config.appUrl.origin)
        .setAudience(audience)
        .setSubject(user.id)
        .setJti(crypto.randomUUID())
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(await signingKey)
      // Milliseconds, like the session's expiresAt in GET /api/session.
      return { token, expiresAt: expiresAt * 1000 }
    },
  }
}

/**
 * How the session began, as RFC 8176 `amr` values: `pwd` for a password,
 * `otp` for a mailed link or code (a confirmation or reset link too) and for
 * the app's code of the second step, `mfa` for two factors (a passkey with
 * user verification, or any first step plus the second). Which kind of
 * passkey (`hwk`/`swk`) is not recorded on the session, so not said.
 */
export function amrOf(session: Pick<Session, 'method' | 'aal'>): string[] {
  const first = session.method === 'password' ? ['pwd'] : session.method === 'passkey' ? [] : ['otp']
  if (session.aal < 2) return first
  return session.method === 'passkey' ? ['mfa'] : [...new Set([...first, 'otp']), 'mfa']
}

type SigningKey = JWK & { kid: string; d: string; x: string; y: string }

/**
 * TOKEN_SIGNING_KEYS: a JSON array of private EC P-256 JWKs, each with its
 * own `kid`. A malformed list signs nothing and publishes nothing (the
 * problem is logged on every use), rather than half a rotation.
 */
function parseSigningKeys(text: string): { keys: SigningKey[]; problem: string | null } {
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    return { keys: [], problem: 'TOKEN_SIGNING_KEYS is not JSON' }
  }
  if (!Array.isArray(list) || list.length === 0) return { keys: [], problem: 'TOKEN_SIGNING_KEYS must be a non-empty JSON array of JWKs' }
  const kids = new Set<string>()
  for (const [index, key] of list.entries()) {
    if (!isSigningKey(key)) return { keys: [], problem: `TOKEN_SIGNING_KEYS[${index}] is not a private EC P-256 JWK with a kid` }
    if (kids.has(key.kid)) return { keys: [], problem: `TOKEN_SIGNING_KEYS: kid ${JSON.stringify(key.kid)} appears twice` }
    kids.add(key.kid)
  }
  return { keys: list as SigningKey[], problem: null }
}

function isSigningKey(key: unknown): key is SigningKey {
  const { kty, crv, kid, d, x, y } = (key ?? {}) as Record<string, unknown>
  const base64url = (value: unknown) => typeof value === 'string' && /^[\w-]{43}$/.test(value)
  return kty === 'EC' && crv === 'P-256' && typeof kid === 'string' && /^[\x21-\x7e]{1,64}$/.test(kid) && base64url(d) && base64url(x) && base64url(y)
}

/** Only the named public members: `d` (or anything else a pasted JWK carried) never reaches the key set. */
function publicHalf({ kid, x, y }: SigningKey): JWK {
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' }
}

/**
 * Only where the dev mailbox is on (`npm run dev`), so an app can be tried
 * against a local Worker with nothing set. It is published here, so it
 * never signs anywhere else: without TOKEN_SIGNING_KEYS a deployment issues
 * no tokens at all (503, logged).
 */
const DEVELOPMENT_SIGNING_KEYS = JSON.stringify([
  {
    kid: 'development-public-key',
    kty: 'EC',
    crv: 'P-256',
    x: 'nj_3kgxGLZADd3wPxk-RGgqRSu6AY1hWwwZkQT5hAxU',
    y: 'MA0xjFhiH1v6FgNyg7RUqXghy4OfQwGP3uQO-TbupKQ',
    d: 'CZytY0wRkEAPx4j0hOOb7jR_KG-taIEdh9t_YQR0Sks',
  },
])
