import { createId } from '@paralleldrive/cuid2'
import { and, eq, not, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { oneTimeTokens, users, type User } from '../db/schema'
import { createBatch } from '../db/batch'
import { accountExistsMail, queueMail, queueSealedMail, throwawayRecipient, verificationMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { findUserByEmail, openLink, signedInByLink } from './accounts'
import { recordEvent } from './activity'
import { hashPassword } from './passwords'
import type { MailBudget, SignUpMailBudget } from './throttle'
import { startSession, type SignInContext } from './start-session'
import { tokenBySecret, newOneTimeToken, spendToken } from './one-time-tokens'

/**
 * Creates an unverified account, its verification token and its mail in one
 * batch; for an address that already has an account, it queues a note to
 * the owner instead. The password is hashed before anything else and the
 * same statements run either way, so both answers cost the same time. The
 * UNIQUE constraint is the check (no read-then-write race). Mails are
 * queued only within the IP's mail budget and their own: the confirmation
 * the exact address's (strangers' sign-ups at other spellings of her
 * mailbox cannot silence hers), the note the mailbox's. Returns the outbox
 * ids to send.
 */
export async function registerUser(
  db: Database,
  config: Config,
  pepper: string | null,
  input: { name: string; email: string; password: string },
  budget: SignUpMailBudget,
  browserHash: string,
  next: string | null = null,
) {
  const passwordHash = await hashPassword(input.password, pepper)
  const existing = await findUserByEmail(db, input.email)
  const now = clock.now()
  const id = createId()
  // Bound to the browser that signed up: confirming there keeps the password (see confirmEmail).
  const verification = await newOneTimeToken(db, { userId: id }, 'email_verification', { when: budget.confirmation.allows, browserHash, next })
  const created = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${id})`
  const verificationMailRow = await queueSealedMail(db, config, verificationMail(config, input.email, verification.token), {
    expiresAt: verification.expiresAt,
    when: and(created, budget.confirmation.allows),
  })
  // Rendered for an address without an account too (and never written
  // there: the account was just created), so both answers do the same work.
  const noteToOwner = queueMail(db, config, accountExistsMail(config, existing ?? throwawayRecipient(input.email)), { when: and(not(created), budget.note.allows) })
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  batch.add(db.insert(users).values({ id, email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now }).onConflictDoNothing())
  batch.add(verification.insert)
  const verificationQueued = batch.add(verificationMailRow.insert)
  const noteQueued = batch.add(noteToOwner.insert)
  // Last: the guards above read the budgets' counts before this mail.
  batch.add(budget.confirmation.countQueued(verificationMailRow.id))
  batch.add(budget.note.countQueued(noteToOwner.id))
  const done = await batch.commit()
  return queuedIds(done.of(verificationQueued), done.of(noteQueued))
}

/**
 * A new verification link and its mail for an unconfirmed account, within
 * its mail budget; bound to `browserHash` when the browser asking is the one
 * that signed up. Returns the outbox ids.
 */
export async function renewVerification(db: Database, config: Config, user: User, budget: MailBudget, browserHash: string | null) {
  const verification = await newOneTimeToken(db, { userId: user.id }, 'email_verification', { when: budget.allows, browserHash: browserHash ?? undefined })
  const mail = await queueSealedMail(db, config, verificationMail(config, user.email, verification.token), {
    expiresAt: verification.expiresAt,
    when: budget.allows,
  })
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  batch.add(verification.insert)
  const queued = batch.add(mail.insert)
  batch.add(budget.countQueued(mail.id)) // last: the guards above read the mailbox's count before this mail
  const done = await batch.commit()
  return queuedIds(done.of(queued))
}

/**
 * The confirmation link's button. A password chosen at sign-up is only
 * usable once someone who knew it has confirmed the address: confirming in
 * the browser that signed up (it holds the pending account's cookie, whose
 * hash the link carries) keeps it; confirming anywhere else proves only the
 * mailbox, so the password (and the name typed with it) is discarded and
 * the owner chooses her own on the profile. Otherwise a stranger who signed up with someone else's address
 * would sign in with his own password once she confirmed it.
 */
export async function confirmEmail(db: Database, token: string | undefined, browserHash: string | null, who: SignInContext) {
  const selector = await tokenBySecret(token, 'email_verification')
  if (!selector) return null
  const signedUpHere = browserHash ? sql`EXISTS (SELECT 1 FROM ${oneTimeTokens} WHERE ${and(selector.where, eq(oneTimeTokens.browserHash, browserHash))})` : sql`false`
  const batch = createBatch(db)
  const link = openLink(batch, selector, { signedUpHere })
  const session = await startSession(batch, link.opens, who)
  batch.add(recordEvent(db, link.opens, 'email_verified', who.client))
  spendToken(batch, link)
  return signedInByLink(await batch.commit(), link, session)
}
