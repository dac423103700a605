import { and, eq, gt, not, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { createBatch } from '../db/batch'
import { oneTimeTokens, throttles } from '../db/schema'
import type { Config } from '../config'
import { accountWithEmail, accessLinkMail, queueSealedMail, throwawayRecipient } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { findUserByEmail, openLink, signedInByLink } from './accounts'
import { isKnownDevice } from './known-devices'
import { CODE_ATTEMPTS, CODE_ATTEMPTS_PER_DAY } from './limits'
import { generateSecret, hashSecret, isWellFormedSecret } from './secrets'
import { startSession, type SignInContext } from './start-session'
import { sessionIsOpen } from './sessions'
import { hit, readCounter, startCounter, within, type MailBudget } from './throttle'
import { newOneTimeToken, spendToken, ONE_TIME_TOKEN_LIFETIME, type TokenSelector } from './one-time-tokens'

// The access link ("enlace de acceso"): signing in without a password. One
// request is one row of one_time_tokens (purpose 'login', as stored) with
// two doors: the mailed link (its secret hashed in token_hash) and a 6-digit
// code that works only in the browser that asked (code_hash is keyed by a
// secret kept in that browser's HttpOnly cookie, whose hash is browser_hash).
// Spending either door deletes the row, so it spends both. Five wrong codes
// close only the code door (code_hash cleared): the link's 43-character
// secret is in the mailbox alone and cannot be guessed, so a stranger
// typing wrong codes in the browser that asked must not kill the link he
// cannot read. The link's GET page looks it up with findOneTimeToken(…, 'login').

/**
 * Records a request and queues its mail, in one batch: the mail budget
 * counters (counted for every address, known or not), the request row
 * (an INSERT … SELECT that finds the account itself) and, for an account,
 * its mail under the same guard. Unknown and known addresses answer alike
 * and do the same work; only the returned outbox ids differ, and the caller sends them after the
 * response. Over budget, nothing is inserted or mailed.
 */
export async function requestAccessLink(
  db: Database,
  config: Config,
  input: { email: string; fromForgot: boolean; next?: string | null; whileSessionOpen?: { userId: string; sessionId: string } },
  mailBudget: MailBudget,
) {
  // Asked from a session (the profile's "¿No la recuerda?"): nothing is queued once that session is closed.
  const open = input.whileSessionOpen
  const budget = open ? { ...mailBudget, allows: and(mailBudget.allows, sessionIsOpen(open.userId, open.sessionId))! } : mailBudget
  const browser = await generateSecret()
  const code = generateAccessCode()
  const user = await findUserByEmail(db, input.email)
  const request = await newOneTimeToken(db, { email: input.email }, 'login', {
    when: budget.allows,
    browserHash: browser.hash,
    codeHash: await hashSecret(`${browser.secret}:${code}`),
    fromForgot: input.fromForgot,
    next: input.next,
  })
  // The mail rides in the same batch as its request, under the same guard;
  // rendered and sealed for an unknown address too, and written only for an
  // account, so both cost the same work.
  const mail = await queueSealedMail(db, config, accessLinkMail(config, user ?? throwawayRecipient(input.email), request.token, code), {
    expiresAt: request.expiresAt,
    when: and(budget.allows, accountWithEmail(input.email)),
  })
  // The code's attempt counter starts with the request, for every address
  // alike: its window is the request's life, which tells a dead code (expired,
  // used up) from a wrong one without revealing whether an account exists.
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  batch.add(startCounter(db, codeAttemptsKey(browser.hash), request.expiresAt))
  batch.add(request.insert)
  const queued = batch.add(mail.insert)
  batch.add(budget.countQueued(mail.id)) // last: the guards above read the mailbox's count before this mail
  const done = await batch.commit()
  return { browserSecret: browser.secret, queued: queuedIds(done.of(queued)) }
}

/**
 * Spends a mailed sign-in link and signs its owner in on a fresh session, in
 * one batch. The browser that asked for it is marked (see linkUsedKey): its
 * code, spent with the link, then leads to "ya entró con el enlace en otro
 * dispositivo" instead of inviting tries that cannot work.
 */
export async function signInWithLink(db: Database, selector: TokenSelector | null, who: SignInContext) {
  if (!selector) return null
  const batch = createBatch(db)
  const link = openLink(batch, selector)
  const session = await startSession(batch, link.opens, who)
  // Before the spend, which deletes the row this reads. Keyed by the code's
  // hash too: only the right code, which only the mail's reader knows, is
  // told the link was used. Any other code reads as wrong, as it would for an
  // address without an account, so a stranger who asked learns nothing when
  // the owner clicks.
  batch.add(
    db
      .insert(throttles)
      .select(
        sql`SELECT ${LINK_USED} || ${oneTimeTokens.browserHash} || ':' || ${oneTimeTokens.codeHash}, 0, ${oneTimeTokens.expiresAt} FROM ${oneTimeTokens} WHERE ${selector.where} AND ${oneTimeTokens.browserHash} IS NOT NULL AND ${oneTimeTokens.codeHash} IS NOT NULL AND ${oneTimeTokens.expiresAt} > ${clock.now()}`,
      )
      .onConflictDoNothing(),
  )
  spendToken(batch, link)
  return signedInByLink(await batch.commit(), link, session)
}

/** Marks the browser and code whose request's link was used (anywhere), for as long as the request would have lived. */
const LINK_USED = 'login-link-used:'
function linkUsedKey(browserHash: string, codeHash: string) {
  return `${LINK_USED}${browserHash}:${codeHash}`
}

/**
 * Tries a code from the browser holding `browserSecret`. Attempts are counted
 * per request (per browser secret) whether or not an account is behind it,
 * so an unknown address answers exactly like a known one; the fifth wrong
 * attempt clears the request's code, after which even the right code fails
 * while the mailed link keeps working. Across
 * requests, an account takes at most CODE_ATTEMPTS_PER_DAY code attempts a
 * day (5 per request × 5 requests per 15 minutes would otherwise allow
 * ~2,400): past it codes stop working for the account (each known browser
 * of the owner has its own ceiling), links do not. `remaining` is 0 when
 * this browser's request is dead (used up or expired), so the page can lead
 * to a new one.
 */
export async function signInWithCode(db: Database, browserSecret: string | undefined, code: string, who: SignInContext) {
  if (!isWellFormedSecret(browserSecret)) return { signedIn: null, remaining: 0, usedByLink: false }
  const browserHash = await hashSecret(browserSecret)
  const attemptsKey = codeAttemptsKey(browserHash)
  const ofThisBrowser = and(eq(oneTimeTokens.browserHash, browserHash), eq(oneTimeTokens.purpose, 'login'))
  // Keyed by the account behind this browser's request (by the browser when
  // there is none); a browser that has signed in to the account before counts
  // on its own, so strangers using up the account's codes cannot block hers.
  const account = sql`(SELECT ${oneTimeTokens.userId} FROM ${oneTimeTokens} WHERE ${ofThisBrowser})`
  const dailyKey = sql`'login-code-day:' || coalesce(${account}, ${`browser:${browserHash}`}) || CASE WHEN ${isKnownDevice(account, who.deviceHash)} THEN ${`:device:${who.deviceHash}`} ELSE '' END`
  const codeHash = await hashSecret(`${browserSecret}:${code}`)
  const selector = {
    purpose: 'login' as const,
    where: and(
      eq(oneTimeTokens.browserHash, browserHash),
      eq(oneTimeTokens.codeHash, codeHash),
      within(attemptsKey, CODE_ATTEMPTS),
      within(dailyKey, CODE_ATTEMPTS_PER_DAY.limit),
    )!,
  }
  const batch = createBatch(db)
  // Read before this attempt counts: whether the request is still live.
  const live = batch.add(readCounter(db, attemptsKey))
  const usedByLink = batch.add(readCounter(db, linkUsedKey(browserHash, codeHash)))
  const attempts = batch.add(hit(db, attemptsKey, ONE_TIME_TOKEN_LIFETIME.login))
  batch.add(hit(db, dailyKey, CODE_ATTEMPTS_PER_DAY.window))
  const link = openLink(batch, selector)
  const session = await startSession(batch, link.opens, who)
  spendToken(batch, link)
  // After the spend (which the guards above read): the attempt that used up the code closes its door.
  batch.add(db.update(oneTimeTokens).set({ codeHash: null }).where(and(ofThisBrowser, not(within(attemptsKey, CODE_ATTEMPTS - 1)))))
  const done = await batch.commit()
  const signedIn = signedInByLink(done, link, session)
  if (signedIn) return { signedIn, remaining: CODE_ATTEMPTS, usedByLink: false }
  // The link of this very request was used and this is its code: no code can work now, and the person is told why.
  if (done.of(usedByLink).length > 0) return { signedIn, remaining: 0, usedByLink: true }
  // Over the daily ceiling the answer stays that of a wrong code: a ceiling
  // that only accounts have must not show, or it would tell which addresses have one.
  const [attempt] = done.of(attempts)
  return { signedIn, remaining: done.of(live).length > 0 ? Math.max(0, CODE_ATTEMPTS - (attempt?.count ?? 0)) : 0, usedByLink: false }
}

/** The per-request code attempt counter, created with the request (see requestAccessLink). */
function codeAttemptsKey(browserHash: string) {
  return `login-code:${browserHash}`
}

/** Six uniform random digits (rejection sampling, so no digit is likelier than another). */
export function generateAccessCode(): string {
  const limit = Math.floor(0x1_0000_0000 / 1_000_000) * 1_000_000
  for (;;) {
    const [value] = crypto.getRandomValues(new Uint32Array(1))
    if (value! < limit) return String(value! % 1_000_000).padStart(6, '0')
  }
}

/** "ana.perez@example.com" → "a•••z@example.com": enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  const local = [...email.slice(0, at)]
  return `${local[0] ?? ''}•••${local.length > 3 ? local.at(-1) : ''}${email.slice(at)}`
}
