import { and, eq, gt, not } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { oneTimeTokens, users } from '../db/schema'
import type { Config } from '../config'
import { loginLinkMail, queueMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { CODE_ATTEMPTS } from './limits'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'
import type { SignInContext } from './sign-in'
import { countOf, hit, within, type MailBudget } from './throttle'
import { newOneTimeToken, TOKEN_LIFETIME } from './tokens'

/**
 * Passwordless sign-in. One login request is one row of one_time_tokens with
 * two doors: the mailed link (its secret hashed in token_hash) and a 6-digit
 * code that works only in the browser that asked (code_hash is keyed by a
 * secret kept in that browser's HttpOnly cookie, whose hash is browser_hash).
 * Spending either door deletes the row, so it spends both.
 */
/**
 * Records a request and says whether to mail it. Every statement runs for
 * every address (mail budget counters, then an INSERT … SELECT that finds the
 * account itself), in one batch, so known and unknown addresses take the
 * same path and time; only the returned `mail` differs, and the caller sends
 * it after the response. Over budget, nothing is inserted or mailed.
 */
export async function requestEmailLogin(db: Database, config: Config, input: { email: string; fromForgot: boolean }, budget: MailBudget) {
  const browser = await generateSecret()
  const code = generateLoginCode()
  const user = await findUserByEmail(db, input.email)
  const request = await newOneTimeToken(db, { email: input.email }, 'login', {
    when: budget.allows,
    browserHash: browser.hash,
    codeHash: await hashSecret(`${browser.secret}:${code}`),
    fromForgot: input.fromForgot,
  })
  // The mail rides in the same batch as its request, under the same guard.
  const mail =
    user &&
    queueMail(db, config, loginLinkMail(config, user, request.token, code), {
      holdsSecret: true,
      expiresAt: request.expiresAt,
      when: budget.allows,
    })
  const results = await db.batch([...budget.statements, request.insert, ...(mail ? [mail.insert] : [])])
  return { browserSecret: browser.secret, queued: mail ? queuedIds(results.at(-1)) : [] }
}

/** The address a live login link belongs to, for "Continuar como a•••@example.com". Never spends it. */
export async function findLoginLink(db: Database, token: string | undefined) {
  if (!isWellFormedSecret(token)) return null
  const row = await db
    .select({ email: users.email })
    .from(oneTimeTokens)
    .innerJoin(users, eq(users.id, oneTimeTokens.userId))
    .where(
      and(eq(oneTimeTokens.tokenHash, await hashSecret(token)), eq(oneTimeTokens.purpose, 'login'), gt(oneTimeTokens.expiresAt, clock.now())),
    )
    .get()
  return row ?? null
}

/**
 * Tries a code from the browser holding `browserSecret`. Attempts are counted
 * per request (per browser secret) whether or not an account is behind it,
 * so an unknown address answers exactly like a known one; the fifth wrong
 * attempt deletes the request, after which even the right code fails.
 */
export async function signInWithCode(db: Database, browserSecret: string | undefined, code: string, who: SignInContext) {
  if (!isWellFormedSecret(browserSecret)) return { signedIn: null, remaining: 0 }
  const browserHash = await hashSecret(browserSecret)
  const attemptsKey = `login-code:${browserHash}`
  const { signedIn, results } = await spendLinkAndSignIn(
    db,
    {
      purpose: 'login',
      where: and(
        eq(oneTimeTokens.browserHash, browserHash),
        eq(oneTimeTokens.codeHash, await hashSecret(`${browserSecret}:${code}`)),
        within(attemptsKey, CODE_ATTEMPTS),
      )!,
    },
    {},
    {
      who,
      before: [hit(db, attemptsKey, TOKEN_LIFETIME.login)],
      after: [db.delete(oneTimeTokens).where(and(eq(oneTimeTokens.browserHash, browserHash), not(within(attemptsKey, CODE_ATTEMPTS - 1))))],
    },
  )
  return { signedIn, remaining: signedIn ? CODE_ATTEMPTS : Math.max(0, CODE_ATTEMPTS - countOf(results[0])) }
}

/** Six uniform random digits (rejection sampling, so no digit is likelier than another). */
export function generateLoginCode(): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000
  for (;;) {
    const [value] = crypto.getRandomValues(new Uint32Array(1))
    if (value! < limit) return String(value! % 1_000_000).padStart(6, '0')
  }
}

/** "ana@example.com" → "a•••@example.com": enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  return `${email.slice(0, 1)}•••${email.slice(at)}`
}
