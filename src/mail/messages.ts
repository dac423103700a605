import { appLink, type Config } from '../config'
import { t } from '../i18n'
import { renderMail, type MailContent } from '../../views/emails/mail'
import type { SignInMethod } from '../db/schema'
import { describeDevice, describePlace, type Client } from '../http/client'
import type { Mailer } from './transport'

type Recipient = { email: string; name: string }
type Deps = { config: Config; mailer: Mailer }

// One function per mail. Links come only from APP_URL (appLink), never from
// the request's Host header: a poisoned Host must not end up in a mail.

export function sendVerificationMail({ config, mailer }: Deps, to: Recipient, token: string) {
  return send({ config, mailer }, to, 'email-verification', {
    subject: t.mail.verifySubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.verifyIntro],
    action: { label: t.mail.verifyButton, url: appLink(config, `/email/verify/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneDay) }],
  })
}

export function sendAccountExistsMail({ config, mailer }: Deps, to: Recipient) {
  return send({ config, mailer }, to, 'account-exists', {
    subject: t.mail.existsSubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.existsIntro],
    action: { label: t.login.title, url: appLink(config, '/login') },
    after: [{ text: t.mail.existsForgot, url: appLink(config, '/password/forgot') }],
  })
}

export function sendPasswordResetMail({ config, mailer }: Deps, to: Recipient, token: string) {
  return send({ config, mailer }, to, 'password-reset', {
    subject: t.mail.resetSubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.resetIntro],
    action: { label: t.mail.resetButton, url: appLink(config, `/password/reset/${token}`) },
    after: [{ text: t.mail.validFor(t.mail.oneHour) }],
  })
}

export function sendLoginLinkMail({ config, mailer }: Deps, to: Recipient, token: string, code: string) {
  return send({ config, mailer }, to, 'login-link', {
    subject: t.mail.loginSubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.loginIntro],
    action: { label: t.mail.loginButton, url: appLink(config, `/login/email/${token}`) },
    code: { intro: t.mail.loginCode, value: code },
    after: [{ text: t.mail.loginValidFor }],
  })
}

export function sendNewSignInMail({ config, mailer }: Deps, to: Recipient, client: Client, method: SignInMethod) {
  const where = [describeDevice(client.userAgent), describePlace(client), client.ip && `IP ${client.ip}`].filter(Boolean).join(' · ')
  return send({ config, mailer }, to, 'new-sign-in', {
    subject: t.mail.newSignInSubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.newSignInIntro(t.activity.methods[method]), where],
    action: { label: t.mail.newSignInButton, url: appLink(config, '/profile#sesiones') },
    after: [{ text: t.mail.newSignInNotYou, url: appLink(config, '/password/forgot') }],
    ignorable: false,
  })
}

export type ChangeOrigin = { at: number; place: string | null; ip: string | null }

export function sendPasswordChangedMail({ config, mailer }: Deps, to: Recipient, origin: ChangeOrigin) {
  const when = new Intl.DateTimeFormat('es-EC', { dateStyle: 'long', timeStyle: 'short', timeZone: 'America/Guayaquil' })
  const where = [origin.place ?? t.mail.unknownPlace, origin.ip && `(IP ${origin.ip})`].filter(Boolean).join(' ')
  return send({ config, mailer }, to, 'password-changed', {
    subject: t.mail.changedSubject,
    greeting: t.mail.greeting(to.name),
    paragraphs: [t.mail.changedIntro(`${when.format(origin.at)} ${t.mail.timeZoneNote}`, where), t.mail.changedSessions],
    after: [{ text: t.mail.changedNotYou, url: appLink(config, '/password/forgot') }],
    ignorable: false,
  })
}

function send({ config, mailer }: Deps, to: Recipient, tag: string, content: MailContent) {
  return mailer({ to: to.email, tag, ...renderMail(config.appName, content) })
}
