import { appLink, type Config } from '../config'
import { t } from '../i18n'
import { describeTimeInMail } from '../i18n/times'
import { renderMail, type MailContent } from '../../views/emails/mail'
import type { SignInMethod } from '../db/schema'
import type { Client } from '../addresses/client-info'
import { describeDevice, describePlace } from '../i18n/devices'
import type { Database } from '../db/client'
import { sql, type SQL } from 'drizzle-orm'
import { users } from '../db/schema'
import { enqueueMail, enqueueSealedMail } from './outbox'
import { outboxKeyring } from './sealed-bodies'
import type { OutgoingMail } from './transport'

/**
 * Whom a mail greets. The name is the one typed at sign-up: until someone
 * has confirmed the address, it is text a stranger may have chosen, so a
 * mail to an unconfirmed address neither greets by it nor carries it, and
 * says what to do if the person never created the account.
 */
type Recipient = { email: string; name: string; emailVerifiedAt: number | null }

/**
 * Whom a mail to an address without an account is rendered for: routes
 * that may send a mail render and seal one for every address alike (the
 * time taken must not tell which addresses have an account), and the batch
 * writes it only where `accountWithEmail` holds.
 */
export function throwawayRecipient(email: string): Recipient {
  return { email, name: '', emailVerifiedAt: null }
}

/** The guard of a mail that only an account's owner gets (see throwawayRecipient). */
export function accountWithEmail(email: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.email} = ${email})`
}

// One function per mail, each returning the rendered mail (text and HTML
// from the same content). Links come only from APP_URL (appLink), never from
// the request's Host header: a poisoned Host must not end up in a mail.

/** To an address nobody has confirmed yet: no name (see Recipient). */
export function verificationMail(config: Config, email: string, token: string) {
  return render(config, { email, name: '', emailVerifiedAt: null }, 'email-verification', {
    subject: t.mail.verifySubject,
    paragraphs: [t.mail.verifyIntro],
    action: { label: t.mail.verifyButton, url: appLink(config, `/email/verify/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneDay) }],
  })
}

export function accountExistsMail(config: Config, to: Recipient) {
  return render(config, to, 'account-exists', {
    subject: t.mail.existsSubject,
    paragraphs: [t.mail.existsIntro],
    action: { label: t.login.title, url: appLink(config, '/login') },
    after: [{ text: t.mail.existsForgot, url: appLink(config, '/password/forgot') }],
  })
}

/**
 * The reset link. `afterUndo`: the one «No fui yo» sends, with the password
 * already cleared — "ignore this mail, your account is safe" would leave the
 * owner without a way in, so it says what happened instead.
 */
export function passwordResetMail(config: Config, to: Recipient, token: string, { afterUndo = false } = {}) {
  return render(config, to, 'password-reset', {
    subject: t.mail.resetSubject,
    paragraphs: [afterUndo ? t.mail.resetAfterUndoIntro : t.mail.resetIntro],
    action: { label: t.mail.resetButton, url: appLink(config, `/password/reset/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneHour) }],
    ...(afterUndo ? { ignorable: false } : {}),
  })
}

export function accessLinkMail(config: Config, to: Recipient, token: string, code: string) {
  // 'login-link' is the Postmark Tag and the outbox kind already stored and
  // counted under that name: it stays, like the /login/email URLs.
  return render(config, to, 'login-link', {
    subject: t.mail.accessLinkSubject,
    paragraphs: [t.mail.accessLinkIntro],
    action: { label: t.mail.accessLinkButton, url: appLink(config, `/login/email/${token}`) },
    code: { intro: t.mail.accessLinkCode, value: code },
    after: [{ text: t.mail.accessLinkValidFor }],
  })
}

/**
 * Addressed inside the sign-in batch, to whoever's account it turns out to
 * be: rendered with the greeting as a placeholder that the batch fills in
 * from the account's row (enqueueMailToAccount, greetByName).
 */
export function newSignInMail(config: Config, client: Client, method: SignInMethod): Omit<OutgoingMail, 'to'> {
  const where = [describeDevice(client.userAgent), describePlace(client), client.ip && `IP ${client.ip}`].filter(Boolean).join(' · ')
  const { to: _, ...mail } = render(config, { email: '', name: GREETING_PLACEHOLDER, emailVerifiedAt: 0 }, 'new-sign-in', {
    subject: t.mail.newSignInSubject,
    paragraphs: [t.mail.newSignInIntro(t.activity.methods[method]), where],
    action: { label: t.mail.newSignInButton, url: appLink(config, '/security#sesiones') },
    after: [{ text: t.mail.newSignInNotYou }, ...notYou(config)],
    ignorable: false,
  })
  return mail
}

/** Stands for the name in a mail rendered before its recipient is known (see greetByName in src/mail/outbox.ts). */
export const GREETING_PLACEHOLDER = '\u2063nombre\u2063'

/**
 * The greeting of a mail rendered with GREETING_PLACEHOLDER, filled in SQL
 * from the recipient's row in the statement that queues it: "Hola Ana:",
 * or "Hola:" for an account without a name or not confirmed (a name nobody
 * confirmed is a stranger's text). In HTML the name is escaped as hono/jsx
 * would escape it.
 */
export function greetByName(body: string, format: 'text' | 'html'): SQL {
  const placeholder = t.mail.greeting(GREETING_PLACEHOLDER)
  const [before, after] = t.mail.greeting('\u0000').split('\u0000') as [string, string]
  const name = format === 'html' ? escapedInSql(sql`${users.name}`) : sql`${users.name}`
  const greeting = sql`CASE WHEN ${users.name} <> '' AND ${users.emailVerifiedAt} IS NOT NULL THEN ${before} || ${name} || ${after} ELSE ${t.mail.greetingPlain} END`
  return sql`replace(${body}, ${placeholder}, ${greeting})`
}

function escapedInSql(text: SQL): SQL {
  const pairs: [string, string][] = [['&', '&amp;'], ['<', '&lt;'], ['>', '&gt;'], ['"', '&quot;'], ["'", '&#39;']]
  return pairs.reduce((inner, [from, to]) => sql`replace(${inner}, ${from}, ${to})`, text)
}

/** The same steps in every security mail: a link that starts recovery, then a person to write to. */
function notYou(config: Config) {
  return [{ text: t.mail.notYouReset, url: appLink(config, '/password/forgot') }, { text: t.mail.notYouSupport(config.supportEmail) }]
}

/** "When, from where, what to do if it was not you": the change was made at `at` by `client`. */
export function passwordChangedMail(config: Config, to: Recipient, client: Client, at: number) {
  // The device too: after a reset on a new device this is the only mail (startSession sends no "nuevo inicio de sesión" for a reset).
  const where = [describeDevice(client.userAgent), describePlace(client) ?? t.mail.unknownPlace].join(' · ') + (client.ip ? ` (IP ${client.ip})` : '')
  return render(config, to, 'password-changed', {
    subject: t.mail.changedSubject,
    paragraphs: [t.mail.changedIntro(describeTimeInMail(at, client.timeZone), where), t.mail.changedSessions],
    after: notYou(config),
    ignorable: false,
  })
}

/** "A passkey was added to / removed from your account": which one, when, from where, what to do if it was not you. */
export function passkeyChangedMail(config: Config, to: Recipient, change: 'added' | 'removed', passkeyName: string, client: Client, at: number) {
  const where = [describePlace(client) ?? t.mail.unknownPlace, client.ip && `(IP ${client.ip})`].filter(Boolean).join(' ')
  const copy = t.passkeys.mail[change]
  return render(config, to, `passkey-${change}`, {
    subject: copy.subject,
    paragraphs: [copy.intro(passkeyName, describeTimeInMail(at, client.timeZone), where), copy.meaning],
    after: [{ text: copy.notYou, url: appLink(config, '/profile#llaves') }, ...notYou(config)],
    ignorable: false,
  })
}

/** What changed in the account's second step: turned on or off, a recovery code used (with how many are left), new codes made. */
export type TwoStepChange =
  | { kind: 'on' }
  | { kind: 'off' }
  | { kind: 'off-by-support' }
  // Turned off by support for an owner locked out by someone else's app: sessions, passkeys and the password went too.
  | { kind: 'off-by-support-evicted' }
  | { kind: 'recovery-used'; left: number }
  | { kind: 'renewed' }
  // Not a change: someone passed the first step and typed a wrong code (src/auth/second-step.ts, reportWrongCode).
  | { kind: 'wrong-code'; method: SignInMethod }

export function twoStepMail(config: Config, to: Recipient, change: TwoStepChange, client: Client, at: number) {
  const when = describeTimeInMail(at, client.timeZone)
  const copy = t.twoStep.mail
  const [subject, intro] =
    change.kind === 'on'
      ? [copy.onSubject, copy.onIntro(when)]
      : change.kind === 'off'
        ? [copy.offSubject, copy.offIntro(when)]
        : change.kind === 'off-by-support'
          ? [copy.bySupportSubject, copy.bySupportIntro(when)]
          : change.kind === 'off-by-support-evicted'
            ? [copy.evictedSubject, copy.evictedIntro(when)]
          : change.kind === 'renewed'
            ? [copy.renewedSubject, copy.renewedIntro(when)]
            : change.kind === 'wrong-code'
              ? [copy.wrongCodeSubject, copy.wrongCodeIntro(when, t.twoStep.mail.firstStepBy[change.method])]
              : [copy.usedSubject(change.left), copy.usedIntro(when, change.left)]
  const after = change.kind === 'off-by-support-evicted' ? [{ text: copy.evictedNext, url: appLink(config, '/password/forgot') }] : change.kind === 'on' ? [{ text: copy.onNotYou(config.supportEmail) }] : notYou(config)
  return render(config, to, `two-step-${change.kind}`, { subject, paragraphs: [intro], after, ignorable: false })
}

/** To the new address: the link that makes it the account's. No name: whoever reads this mailbox has not shown it is the owner's. */
export function emailChangeConfirmMail(config: Config, newEmail: string, token: string) {
  const copy = t.emailChange.mail
  return render(config, { email: newEmail, name: '', emailVerifiedAt: 0 }, 'email-change-confirm', {
    subject: copy.confirmSubject,
    paragraphs: [copy.confirmIntro],
    action: { label: copy.confirmButton, url: appLink(config, `/email/change/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneDay) }, { text: copy.confirmIgnore }],
    ignorable: false,
  })
}

/**
 * To the old address, when the change is asked (`'requested'`) and when it
 * is confirmed (`'changed'`): what happened, and the "No fui yo" link.
 */
export function emailChangeNoticeMail(config: Config, to: Recipient, event: 'requested' | 'changed', change: { newEmail: string; at: number }, client: Client, undoToken: string) {
  const copy = t.emailChange.mail
  const when = describeTimeInMail(change.at, client.timeZone)
  const where = [describeDevice(client.userAgent), describePlace(client) ?? t.mail.unknownPlace].join(' · ') + (client.ip ? ` (IP ${client.ip})` : '')
  const [subject, intro] = event === 'requested' ? [copy.requestedSubject, copy.requestedIntro(change.newEmail, when, where)] : [copy.changedSubject, copy.changedIntro(change.newEmail, when)]
  return render(config, to, `email-change-${event}`, {
    subject,
    paragraphs: [intro, copy.notYou],
    action: { label: copy.notYouButton, url: appLink(config, `/email/undo/${undoToken}`) },
    after: [{ text: copy.notYouValidFor }, { text: t.mail.notYouSupport(config.supportEmail) }],
    ignorable: false,
  })
}

/**
 * The farewell, queued by the batch that deletes the account: when, what
 * was erased, how to come back. It greets without the name and carries no
 * link to the account (there is none): its outbox row is the one thing
 * left that names the address, until the outbox's 30-day sweep.
 */
export function accountDeletedMail(config: Config, to: Recipient, client: Client, at: number) {
  return render(config, { email: to.email, name: '', emailVerifiedAt: to.emailVerifiedAt ?? 0 }, 'account-deleted', {
    subject: t.mail.deletedSubject,
    paragraphs: [t.mail.deletedIntro(describeTimeInMail(at, client.timeZone)), t.mail.deletedWhat, t.mail.deletedAgain],
    after: [{ text: t.mail.deletedNotYou(config.supportEmail) }],
    ignorable: false,
  })
}

function render(config: Config, to: Recipient, tag: string, content: Omit<MailContent, 'greeting'>): OutgoingMail {
  const confirmed = to.emailVerifiedAt !== null
  const greeting = confirmed && to.name ? t.mail.greeting(to.name) : t.mail.greetingPlain
  return { to: to.email, tag, ...renderMail(config.appName, { ...content, greeting, unconfirmed: !confirmed && content.ignorable !== false }) }
}

/**
 * A rendered notice (no link or code in it) as an outbox row, for the
 * caller's batch (see src/mail/outbox.ts); `when` guards it exactly like the
 * change it reports.
 */
export function queueMail(db: Database, config: Config, mail: OutgoingMail, options: { when?: SQL; account?: SQL | string } = {}) {
  return enqueueMail(db, mail, { stream: config.postmark?.messageStream ?? 'outbound', ...options })
}

/**
 * A rendered mail that carries a link or code, sealed, as an outbox row for
 * the caller's batch: `expiresAt` is its link's (never sent late), `when`
 * guards it exactly like the token it goes with.
 */
export function queueSealedMail(db: Database, config: Config, mail: OutgoingMail, options: { expiresAt: number; when?: SQL; account?: SQL | string }) {
  return enqueueSealedMail(db, outboxKeyring(config), mail, { stream: config.postmark?.messageStream ?? 'outbound', ...options })
}
