import { createId } from '@paralleldrive/cuid2'
import { and, not, sql } from 'drizzle-orm'
import { clock } from '../clock'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { users, type User } from '../db/schema'
import { accountExistsMail, queueMail, verificationMail } from '../mail/messages'
import { queuedIds } from '../mail/outbox'
import { findUserByEmail } from './accounts'
import { hashPassword } from './passwords'
import type { MailBudget } from './throttle'
import { newOneTimeToken } from './tokens'

/**
 * Creates an unverified account, its verification token and its mail in one
 * batch; for an address that already has an account, it queues a note to
 * the owner instead. The password is hashed before anything else and the
 * same statements run either way, so both answers cost the same time. The
 * UNIQUE constraint is the check (no read-then-write race). Mails are
 * queued only within the address's and IP's mail budget. Returns the
 * outbox ids to send.
 */
export async function registerUser(
  db: Database,
  config: Config,
  pepper: string | null,
  input: { name: string; email: string; password: string },
  budget: MailBudget,
) {
  const passwordHash = await hashPassword(input.password, pepper)
  const owner = await findUserByEmail(db, input.email)
  const now = clock.now()
  const id = createId()
  const verification = await newOneTimeToken(db, { userId: id }, 'email_verification', { when: budget.allows })
  const created = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${id})`
  const verificationMailRow = queueMail(db, config, verificationMail(config, input, verification.token), {
    holdsSecret: true,
    expiresAt: verification.expiresAt,
    when: and(created, budget.allows),
  })
  const noteToOwner = owner && queueMail(db, config, accountExistsMail(config, owner), { when: and(not(created), budget.allows) })
  const results = await db.batch([
    ...budget.statements,
    db.insert(users).values({ id, email: input.email, name: input.name, passwordHash, createdAt: now, updatedAt: now }).onConflictDoNothing(),
    verification.insert,
    verificationMailRow.insert,
    ...(noteToOwner ? [noteToOwner.insert] : []),
  ])
  return queuedIds(...results.slice(budget.statements.length + 2))
}

/** A new verification link and its mail for an unverified account, within its mail budget. Returns the outbox ids. */
export async function renewVerification(db: Database, config: Config, user: User, budget: MailBudget) {
  const verification = await newOneTimeToken(db, { userId: user.id }, 'email_verification', { when: budget.allows })
  const mail = queueMail(db, config, verificationMail(config, user, verification.token), {
    holdsSecret: true,
    expiresAt: verification.expiresAt,
    when: budget.allows,
  })
  const results = await db.batch([...budget.statements, verification.insert, mail.insert])
  return queuedIds(results.at(-1))
}
