import { and, eq, not } from 'drizzle-orm'
import type { Database } from '../db/client'
import { oneTimeTokens } from '../db/schema'
import type { Config } from '../config'
import { loginLinkMail, queueMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { findUserByEmail, spendLinkAndSignIn } from './accounts'
import { CODE_ATTEMPTS } from './limits'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'
import type { SignInContext } from './sign-in'
import { countOf, hit, within, type MailBudget } from './throttle'
import { newOneTimeToken, TOKEN_LIFETIME } from './tokens'

// Passwordless sign-in. One login request is one row of one_time_tokens with
// two doors: the mailed link (its secret hashed in token_hash) and a 6-digit
// code that works only in the browser that asked (code_hash is keyed by a
// secret kept in that browser's HttpOnly cookie, whose hash is browser_hash).
// Spending either door deletes the row, so it spends both. The link's GET
// page looks it up with findOneTimeToken(…, 'login').

/**
 * Records a request and queues its mail, in one batch: the mail budget
 * counters (counted for every address, known or not), the request row
 * (an INSERT … SELECT that finds the account itself) and, for an account,
 * its mail under the same guard. Unknown and known addresses answer alike;
 * only the returned outbox ids differ, and the caller sends them after the
 * response. Over budget, nothing is inserted or mailed.
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
