import { Hono, type Context } from 'hono'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { hasPassword } from '../auth/accounts'
import { isFreshSession } from '../auth/sessions'
import { cancelEmailChange, requestEmailChange } from '../auth/email-change'
import { confirmEmailChange } from '../auth/email-change-confirm'
import { findEmailChangeLink } from '../auth/email-change-links'
import { undoEmailChange } from '../auth/email-change-undo'
import type { AppEnv } from '../env'
import { sendAfterResponse } from '../http/after-response'
import { forgetFlowsInProgress } from '../http/flows'
import { readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { withNotice } from '../http/notices'
import { asksCurrentPassword, confirmRecentSignIn } from '../http/recent-sign-in'
import { clientOf, mailRequesterOf } from '../http/requester'
import { clearSessionCookie, signedOutMeanwhile } from '../http/session'
import { t } from '../i18n'
import { EmailChangeLinkPage, EmailChangePage, type EmailChangePageProps } from '../../views/email-change-pages'
import { MessagePage } from '../../views/message'

/** "Cambiar correo electrónico" and its pending changes: mounted behind requireAuthentication. */
export const emailChangeRoutes = new Hono<AppEnv>()

/** The mailed links (confirmation, "No fui yo"): opened signed out, often on another device. */
export const emailChangeLinkRoutes = new Hono<AppEnv>()

emailChangeRoutes.get('/profile/email', (c) => c.html(emailChangePage(c, {})))

/**
 * The new address is normalised and checked as at sign-up; the session
 * must be fresh or give the current password (as for a new password). The
 * answer is the same whether or not the new address has an account.
 */
emailChangeRoutes.post('/profile/email', async (c) => {
  const form = await readForm(c)
  const email = normalizeEmail(form.email)
  const error = checkEmail(email) ?? (email === c.var.user.email ? t.emailChange.same : undefined)
  if (error) return c.html(emailChangePage(c, { email, errors: { email: error } }), 422)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.emailChange.needsFreshSignIn)
  if (!check.ok && check.field === 'password') return c.html(emailChangePage(c, { email, warning: check.error }), check.status)
  if (!check.ok) return c.html(emailChangePage(c, { email, errors: { current_password: check.error } }), check.status)
  const asker = { user: c.var.user, sessionId: c.var.session.id, attemptKey: check.attemptKey, requester: await mailRequesterOf(c) }
  const queued = await requestEmailChange(c.var.db, c.var.config, asker, email, clientOf(c))
  if (!queued) return signedOutMeanwhile(c)
  securityLog(c, 'email_change_request', 'answered')
  sendAfterResponse(c, queued)
  return c.html(<MessagePage title={t.emailChange.sentTitle} body={t.emailChange.sent(email, c.var.user.email)} links={[{ href: '/profile/email', label: t.emailChange.mistyped }, { href: '/profile', label: t.emailChange.back }]} quiet user={c.var.user} />)
})

emailChangeRoutes.post('/security/email-changes/:id/cancel', async (c) => {
  await cancelEmailChange(c.var.db, { userId: c.var.user.id, sessionId: c.var.session.id }, c.req.param('id'))
  // A made-up or already ended change cancels nothing, and the page says the address is unchanged, which is true.
  return c.redirect(withNotice(c, '/security', 'cambio-de-correo-cancelado'), 303)
})

// GETs only show the button: mail scanners open links before people do.
emailChangeLinkRoutes.get('/email/change/:token', async (c) => {
  const link = await findEmailChangeLink(c.var.db, c.req.param('token'), 'confirm')
  if (!link) return invalidConfirmation(c)
  const copy = t.emailChange
  return c.html(<EmailChangeLinkPage action={`/email/change/${c.req.param('token')}`} title={copy.confirmTitle} intro={copy.confirmIntro(link.newEmail)} submit={copy.confirmSubmit} />)
})

emailChangeLinkRoutes.post('/email/change/:token', async (c) => {
  const confirmed = await confirmEmailChange(c.var.db, c.var.config, c.req.param('token'), clientOf(c))
  securityLog(c, 'email_change_confirm', confirmed.outcome)
  if (confirmed.outcome === 'invalid') return invalidConfirmation(c)
  if (confirmed.outcome === 'taken') return c.html(<MessagePage title={t.emailChange.takenTitle} body={t.emailChange.taken(confirmed.email)} links={[{ href: '/login', label: t.login.title }]} />, 409)
  sendAfterResponse(c, confirmed.queued, confirmed.events)
  return c.html(<MessagePage title={t.emailChange.confirmedTitle} body={t.emailChange.confirmed(confirmed.email)} links={[{ href: '/profile', label: t.menu.profile }]} />)
})

emailChangeLinkRoutes.get('/email/undo/:token', async (c) => {
  const link = await findEmailChangeLink(c.var.db, c.req.param('token'), 'undo')
  if (!link) return invalidUndo(c)
  const copy = t.emailChange
  return c.html(<EmailChangeLinkPage action={`/email/undo/${c.req.param('token')}`} title={copy.undoTitle} intro={copy.undoIntro(link.oldEmail)} submit={copy.undoSubmit} />)
})

emailChangeLinkRoutes.post('/email/undo/:token', async (c) => {
  const undone = await undoEmailChange(c.var.db, c.var.config, c.req.param('token'), clientOf(c))
  securityLog(c, 'email_change_undo', undone.outcome)
  if (undone.outcome === 'invalid') return invalidUndo(c)
  const support = c.var.config.supportEmail
  if (undone.outcome === 'taken') return c.html(<MessagePage title={t.emailChange.undoTakenTitle} body={t.emailChange.undoTaken(undone.email, support)} />, 409)
  if (undone.outcome === 'already-recovered') {
    return c.html(<MessagePage title={t.emailChange.alreadyRecoveredTitle} body={t.emailChange.alreadyRecovered(undone.email)} links={[{ href: '/password/forgot', label: t.forgot.title }]} />, 409)
  }
  // Every session of the account ended, this browser's too if it had one: its cookie goes with it.
  clearSessionCookie(c)
  forgetFlowsInProgress(c)
  sendAfterResponse(c, undone.queued, undone.events)
  const body = [...t.emailChange.undone(undone.email), ...(undone.twoStepKept ? [t.emailChange.twoStepKept(support)] : [])]
  return c.html(<MessagePage title={t.emailChange.undoneTitle} body={body} links={[{ href: '/login', label: t.login.title }]} quiet />)
})

function invalidConfirmation(c: Context<AppEnv>) {
  return c.html(<MessagePage title={t.emailChange.invalidTitle} body={t.emailChange.invalid} links={[{ href: '/profile', label: t.menu.profile }]} />, 400)
}

function invalidUndo(c: Context<AppEnv>) {
  return c.html(<MessagePage title={t.emailChange.invalidTitle} body={t.emailChange.undoInvalid(c.var.config.supportEmail)} links={[{ href: '/login', label: t.login.title }]} />, 400)
}

function emailChangePage(c: Context<AppEnv>, props: Pick<EmailChangePageProps, 'email' | 'errors' | 'warning'>) {
  // An account without a password has none to give: on an old session it is told before it types anything.
  const warning = props.warning ?? (!hasPassword(c.var.user) && !isFreshSession(c.var.session) ? t.emailChange.needsFreshSignIn : undefined)
  return <EmailChangePage {...props} warning={warning} user={c.var.user} askCurrentPassword={asksCurrentPassword(c)} />
}

