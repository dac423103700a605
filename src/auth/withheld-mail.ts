import { newId } from '../db/ids'
import { clock } from '../clock'
import type { Database } from '../db/client'
import { sql } from 'drizzle-orm'
import { outbox, users } from '../db/schema'
import { t } from '../i18n'
import { MAILS_PER_ADDRESS, MAILS_PER_IP } from './limits'
import { mailBudgetState, type MailKind } from './throttle'

// Development only (config.devMailbox): a mail a budget withheld leaves no
// trace in the outbox, so a developer trying a throttled flow would wait for
// nothing. This writes it there as 'withheld', with the reason, for
// /dev/mail to list. Callers call it only in development, after a request
// that queued nothing: production pays no extra read or write for it.

const tags: Record<MailKind, string> = { confirmation: 'email-verification', note: 'account-exists', reset: 'password-reset', access: 'login-link' }
const subjects: Record<MailKind, string> = { confirmation: t.mail.verifySubject, note: t.mail.existsSubject, reset: t.mail.resetSubject, access: t.mail.accessLinkSubject }

/**
 * What a request that queued nothing would have mailed: a sign-up mails a
 * confirmation, or the "ya tiene una cuenta" note when the address is
 * already confirmed; every other request mails only its own kind.
 */
export type WithheldRequest = MailKind | 'sign-up'

/**
 * Records the mail a request of `request` to `email` would have sent as
 * withheld, with why: which budget held it back, or — for "REENVIAR EL
 * CORREO" at a confirmed address — that there was nothing to confirm.
 * Nothing for an address without an account (no mail was due) or when no
 * budget was spent (something else stopped it).
 */
export async function recordWithheldMail(db: Database, email: string, from: { ip: string | null; deviceHash: string | null }, request: WithheldRequest) {
  const kind: MailKind = request === 'sign-up' ? 'confirmation' : request
  const state = await mailBudgetState(db, email, from, kind)
  if (!state) return
  // A sign-up at a confirmed account is answered by the note, which spends the mailbox's budget.
  const due: MailKind = request === 'sign-up' && state.confirmed ? 'note' : kind
  const held = due === kind ? state : await mailBudgetState(db, email, from, due)
  const reason =
    due === 'confirmation' && state.confirmed
      ? t.dev.withheldConfirmed // a resend: only an unconfirmed account gets one, whatever the budgets
      : held?.overAddress
        ? t.dev.withheldAddress(MAILS_PER_ADDRESS.limit)
        : held?.overIp
          ? t.dev.withheldIp(MAILS_PER_IP.limit)
          : null
  if (!reason) return
  const now = clock.now()
  await db.insert(outbox).values({
    id: newId(),
    kind: tags[due],
    recipient: email,
    subject: subjects[due],
    textBody: '',
    htmlBody: '',
    stream: 'dev-mailbox',
    status: 'withheld',
    nextAttemptAt: now,
    lastError: reason,
    createdAt: now,
    // The account it is about, as for every outbox row (migrations/0014): deletion erases it with the rest.
    accountId: sql`(SELECT ${users.id} FROM ${users} WHERE ${users.email} = ${email})`,
  })
}
