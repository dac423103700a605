/** Worker bindings, vars and secrets (see wrangler.toml and docs/operations.md, "Configuration"). */
export type Bindings = {
  DB: D1Database
  APP_URL?: string
  APP_NAME?: string
  EMAIL_FROM?: string
  POSTMARK_SERVER_TOKEN?: string
  POSTMARK_MESSAGE_STREAM?: string
  POSTMARK_API_URL?: string
  PASSWORD_PEPPER?: string
  /** The master secret (Rails' secret_key_base): keys for sealing outbox bodies are derived from it. */
  SECRET_KEY?: string
  /** The SECRET_KEY before a rotation: still opens what it sealed, never seals. */
  SECRET_KEY_PREVIOUS?: string
  /** Password of the Postmark bounce webhook's basic auth (user "postmark"); no webhook without it. */
  POSTMARK_WEBHOOK_SECRET?: string
  /** security.txt Contact (default mailto:seguridad@ecuabots.com). */
  SECURITY_CONTACT?: string
  /** Where people write for help: the Reply-To of every mail and the address the copy names (default soporte@ecuabots.com). */
  SUPPORT_EMAIL?: string
  /** Apps: a parent domain (e.g. ecuabots.com) for the session cookie, so first-party subdomains receive it. Unset: host-only. */
  COOKIE_DOMAIN?: string
  /** Apps: exact origins (comma-separated) that `next` may send a person back to after signing in. */
  RETURN_ORIGINS?: string
  /** Apps: the `aud` values POST /api/token may sign, comma-separated (none: every audience refused). */
  TOKEN_AUDIENCES?: string
  /** Apps: a JSON array of private EC P-256 JWKs with a `kid`; the first signs, all are published at /.well-known/jwks.json. */
  TOKEN_SIGNING_KEYS?: string
  /** Passkeys: the WebAuthn RP ID (default: APP_URL's host) and allowed origins, comma-separated (default: APP_URL's origin). */
  RP_ID?: string
  WEBAUTHN_ORIGINS?: string
  /** "true" only from `npm run dev`: turns the dev mailbox on for a localhost APP_URL. */
  DEV_MAILBOX?: string
  /** See Config.afterResponseSettleMs. The tests set 0: they read every body whole before waiting for the work. */
  AFTER_RESPONSE_SETTLE_MS?: string
  /** See parsePasswordIterations in src/config: unset in every deployment (100,000); the tests set fewer. */
  PASSWORD_ITERATIONS?: string
  /** Apps: the queue account events go to (wrangler.toml [[queues.producers]]; src/auth/account-events.ts). Unbound: events wait in D1. */
  ACCOUNT_EVENTS?: Queue
  /** Per-IP request rates on the forms (wrangler.toml [[ratelimits]]). */
  AUTH_LIMITER?: RateLimit
}
