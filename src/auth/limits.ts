import { DAY, HOUR, MINUTE } from '../clock'

/**
 * Every limit of the account system, in one place (docs/security.md lists
 * them). Per-account and per-address counters live in D1 (global, not per
 * edge location); per-IP request rates use the Workers Rate Limiting
 * bindings declared in wrangler.toml.
 */

/**
 * Password attempts per account (known or not) before 429 — far below
 * NIST's 100. Counted before hashing; the right password is given back.
 * Strangers share one counter per mailbox; each browser that has signed in
 * to the account before has its own. Wrong current passwords on the
 * profile count here too.
 */
export const LOGIN_FAILURES = { limit: 10, window: 15 * MINUTE }

/**
 * Mails of each kind per account: reset links, access links (link + code)
 * and confirmations, each per exact address (a stranger's account at
 * `ana+x@…` cannot spend hers); "account exists" notes per mailbox (all
 * spellings of one inbox together). Counted only when one is queued, so
 * requests that sent nothing — an IP over its cap, an address without an
 * account — spend nothing of it. See mailBudget.
 */
export const MAILS_PER_ADDRESS = { limit: 5, window: 15 * MINUTE }

/**
 * Mail-causing requests per IP, counted whether or not a mail went out (the
 * count must not tell). Shared by everyone behind one address (an IPv6 /64,
 * carrier-grade NAT), so it does not stop an account's first reset or first
 * access link of its MAILS_PER_ADDRESS window: a neighbour using the cap
 * cannot silence the owner. The price: one IP over its cap can still cause
 * one of each per existing account per window, at the per-IP form rate
 * (each account's own bound, MAILS_PER_ADDRESS, does not move).
 */
export const MAILS_PER_IP = { limit: 10, window: HOUR }

/**
 * Failed password sign-ins per IP (wrong password, unknown address and
 * unconfirmed account counted alike, so the count tells nothing) within
 * which a right password on an unconfirmed account sends its confirmation
 * again. Past it the sign-in answers the same and no mail goes out.
 */
export const CONFIRMATION_RESENDS_PER_IP = { limit: 20, window: HOUR }

/** Failed authentications of the Postmark webhook per IP before 429 (see src/routes/webhooks.ts). */
export const WEBHOOK_AUTH_FAILURES = { limit: 10, window: HOUR }

/** Code attempts per access-link request; the fifth wrong one clears the code, not the mailed link. */
export const CODE_ATTEMPTS = 5

/** Code attempts per account across all its requests; past it only the mailed link works until the window ends. */
export const CODE_ATTEMPTS_PER_DAY = { limit: 20, window: DAY }

// Per-IP request rates (30 POSTs a minute on each form, 120 inline checks a
// minute) are set where the bindings are declared: wrangler.toml [[ratelimits]].

/** Codes tried against one held first step (sign-in's second step) before it is spent: sign in again. */
export const SECOND_STEP_ATTEMPTS = 5

/**
 * Wrong second-step codes per account (strangers share one counter; each
 * browser the owner has signed in with has its own) before 429: a 6-digit
 * code has a million values and three are good at once, so 10 per 15
 * minutes gives an attacker who has the password about 1 in 33,000 a
 * window. A right code gives its attempt back.
 */
export const SECOND_STEP_FAILURES = { limit: 10, window: 15 * MINUTE }

/**
 * And per day, so that 10 every 15 minutes cannot go on for months: at 960
 * a day someone with the password had about a 65% chance in a year; at 30 a
 * day, about 3% (30 × 3 good codes in a million × 365), and the owner is
 * mailed at the first wrong code (SECOND_STEP_NOTICE_WINDOW) — changing the
 * password ends the attack, since every guess needs a first step. Recovery
 * codes (about 79 bits) are counted by neither: the owner locked out this
 * way still gets in with one.
 */
export const SECOND_STEP_DAILY_FAILURES = { limit: 30, window: DAY }

/** "Se ingresó su contraseña, pero no el código de su app": at most one such mail per account in this window. */
export const SECOND_STEP_NOTICE_WINDOW = DAY

/** And at most one "Código incorrecto tras el primer paso" in the activity per account in this window. */
export const SECOND_STEP_EVENT_WINDOW = 15 * MINUTE
