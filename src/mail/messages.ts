import { appLink, type Config } from '../config'
import { t } from '../i18n'
import { renderMail, type MailContent } from '../../views/emails/mail'
import type { SignInMethod } from '../db/schema'
import { describeDevice, describePlace, type Client } from '../http/client'
import type { Database } from '../db/client'
import type { SQL } from 'drizzle-orm'
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

export function passwordResetMail(config: Config, to: Recipient, token: string) {
  return render(config, to, 'password-reset', {
    subject: t.mail.resetSubject,
    paragraphs: [t.mail.resetIntro],
    action: { label: t.mail.resetButton, url: appLink(config, `/password/reset/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneHour) }],
  })
}

export function loginLinkMail(config: Config, to: Recipient, token: string, code: string) {
  return render(config, to, 'login-link', {
    subject: t.mail.loginSubject,
    paragraphs: [t.mail.loginIntro],
    action: { label: t.mail.loginButton, url: appLink(config, `/login/email/${token}`) },
    code: { intro: t.mail.loginCode, value: code },
    after: [{ text: t.mail.loginValidFor }],
  })
}

/** Addressed inside the sign-in batch, to whoever's account it turns out to be: hence no name in the greeting. */
export function newSignInMail(config: Config, client: Client, method: SignInMethod): Omit<OutgoingMail, 'to'> {
  const where = [describeDevice(client.userAgent), describePlace(client), client.ip && `IP ${client.ip}`].filter(Boolean).join(' · ')
  const { to: _, ...mail } = render(config, { email: '', name: '', emailVerifiedAt: null }, 'new-sign-in', {
    subject: t.mail.newSignInSubject,
    paragraphs: [t.mail.newSignInIntro(t.activity.methods[method]), where],
    action: { label: t.mail.newSignInButton, url: appLink(config, '/security#sesiones') },
    after: [{ text: t.mail.newSignInNotYou, url: appLink(config, '/password/forgot') }],
    ignorable: false,
  })
  return mail
}

/** "When, from where, what to do if it was not you": the change was made at `at` by `client`. */
export function passwordChangedMail(config: Config, to: Recipient, client: Client, at: number) {
  const when = new Intl.DateTimeFormat('es-EC', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Guayaquil' })
  const where = [describePlace(client) ?? t.mail.unknownPlace, client.ip && `(IP ${client.ip})`].filter(Boolean).join(' ')
  return render(config, to, 'password-changed', {
    subject: t.mail.changedSubject,
    paragraphs: [t.mail.changedIntro(`${when.format(at)} ${t.mail.timeZoneNote}`, where), t.mail.changedSessions],
    after: [{ text: t.mail.changedNotYou, url: appLink(config, '/password/forgot') }],
    ignorable: false,
  })
}

/** "A passkey was added to / removed from your account": which one, when, from where, what to do if it was not you. */
export function passkeyChangedMail(config: Config, to: Recipient, change: 'added' | 'removed', passkeyName: string, client: Client, at: number) {
  const when = new Intl.DateTimeFormat('es-EC', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Guayaquil' })
  const where = [describePlace(client) ?? t.mail.unknownPlace, client.ip && `(IP ${client.ip})`].filter(Boolean).join(' ')
  const copy = t.passkeys.mail[change]
  return render(config, to, `passkey-${change}`, {
    subject: copy.subject,
    paragraphs: [copy.intro(passkeyName, `${when.format(at)} ${t.mail.timeZoneNote}`, where), copy.meaning],
    after: [{ text: copy.notYou, url: appLink(config, '/profile#llaves') }],
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
export function queueMail(db: Database, config: Config, mail: OutgoingMail, options: { when?: SQL } = {}) {
  return enqueueMail(db, mail, { stream: config.postmark?.messageStream ?? 'outbound', ...options })
}

/**
 * A rendered mail that carries a link or code, sealed, as an outbox row for
 * the caller's batch: `expiresAt` is its link's (never sent late), `when`
 * guards it exactly like the token it goes with.
 */
export function queueSealedMail(db: Database, config: Config, mail: OutgoingMail, options: { expiresAt: number; when?: SQL }) {
  return enqueueSealedMail(db, outboxKeyring(config), mail, { stream: config.postmark?.messageStream ?? 'outbound', ...options })
}
