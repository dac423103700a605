import { newId } from '../db/ids'
import { and, eq, isNull, not, or, sql } from 'drizzle-orm'
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
 * batch. For an address whose account is still unconfirmed, it sends that
 * account a new confirmation link instead (the person signing up again most
 * likely never got or lost the first); for a confirmed one, a note to the
 * owner. The password is hashed before anything else and the same
 * statements run in every case, so the answers cost the same time. The
 * UNIQUE constraint is the check (no read-then-write race). Mails are
 * queued only within the IP's mail budget and their own: the confirmation
 * the exact address's (strangers' sign-ups at other spellings of her
 * mailbox cannot silence hers), the note the mailbox's. Returns the outbox
 * ids to send.
 */
export async function registerUser(
  db: Database,
  config: Config,
  input: { name: string; email: string; password: string },
  budget: SignUpMailBudget,
  browserHash: string,
  next: string | null = null,
) {
  const passwordHash = await hashPassword(input.password, config.passwords)
  const existing = await findUserByEmail(db, input.email)
  const now = clock.now()
  const id = newId()
  // A new account's link is bound to the browser that signed up: confirming
  // there keeps the password (see confirmEmail). A pending account's new link
  // is bound to no browser: its password was chosen by whoever signed up
  // first, perhaps a stranger, so whoever confirms chooses her own.
  const verification = await newOneTimeToken(db, { userId: existing ? existing.id : id }, 'email_verification', {
    when: and(budget.confirmation.allows, isNull(users.emailVerifiedAt)),
    browserHash: existing ? undefined : browserHash,
    next,
  })
  const created = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${id})`
  const pending = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${existing?.id ?? id} AND ${users.emailVerifiedAt} IS NULL)`
  const verificationMailRow = await queueSealedMail(db, config, verificationMail(config, input.email, verification.token), {
    expiresAt: verification.expiresAt,
    when: and(or(created, pending), budget.confirmation.allows),
  })
  // Rendered for an address without an account too (and never written
  // there: the account was just created), so every answer does the same work.
  const noteToOwner = queueMail(db, config, accountExistsMail(config, existing ?? throwawayRecipient(input.email)), {
    when: and(not(created), not(pending), budget.note.allows),
  })
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
 * "Reenviar el correo" on the sign-up answer: a new confirmation link for
 * the address's account if it is still unconfirmed, within the address's
 * and the IP's mail budget; bound to no browser (like a repeat sign-up's).
 * The same statements run for every address, written only for a pending
 * account, so the answer says nothing. Returns the outbox ids.
 */
export async function resendConfirmation(db: Database, config: Config, email: string, budget: MailBudget) {
  const verification = await newOneTimeToken(db, { email }, 'email_verification', { when: and(budget.allows, isNull(users.emailVerifiedAt)) })
  const pending = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.email} = ${email} AND ${users.emailVerifiedAt} IS NULL)`
  const mail = await queueSealedMail(db, config, verificationMail(config, email, verification.token), {
    expiresAt: verification.expiresAt,
    when: and(budget.allows, pending),
  })
  const batch = createBatch(db)
  for (const statement of budget.statements) batch.add(statement)
  batch.add(verification.insert)
  const queued = batch.add(mail.insert)
  batch.add(budget.countQueued(mail.id)) // last: the guards above read the address's count before this mail
  const done = await batch.commit()
  return queuedIds(done.of(queued))
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
