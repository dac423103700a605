import { Hono, type Context } from 'hono'
import { afterResponse, sendEventsAfterResponse } from '../http/after-response'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { findResetAccount, requestPasswordReset, resetPassword } from '../auth/password-reset'
import { mailBudget } from '../auth/throttle'
import { clientOf, mailRequesterOf } from '../http/requester'
import { securityLog } from '../http/log'
import { describeError } from '../log'
import { checkNewPassword } from '../auth/passwords'
import { findOneTimeToken } from '../auth/one-time-tokens'
import { resetCookie } from '../http/flows'
import { maskEmail } from '../auth/access-links'
import { switchUnconfirmed, switchWarning } from '../http/account-switch'
import { carryEmailFromQuery, onwardAfterReview, rememberInput, requestedNext, rememberedInputOf } from '../http/remembered-input'
import type { AppEnv } from '../env'
import { showWithheldInDevMailbox } from '../http/withheld-in-dev'
import { beginSession, landingAfter, signInContext } from '../http/sign-in'
import { readForm } from '../http/forms'
import { t } from '../i18n'
import { ForgotPasswordPage } from '../../views/forgot'
import { MessagePage } from '../../views/message'
import { renderOnce } from '../../views/render-once'
import { ResetPasswordPage } from '../../views/reset'
import { ONWARD_PARAM, withNotice } from '../http/notices'

export const passwordRoutes = new Hono<AppEnv>()

passwordRoutes.get('/password/forgot', async (c) => {
  const carried = carryEmailFromQuery(c)
  if (carried) return c.redirect(carried, 303)
  // Prefilled with the address typed on another page; the plain form is the same for everyone.
  const { email } = rememberedInputOf(c)
  return c.html(email ? <ForgotPasswordPage email={email} /> : await renderOnce('forgot', () => <ForgotPasswordPage />))
})

passwordRoutes.post('/password/forgot', async (c) => {
  const form = await readForm(c)
  const email = normalizeEmail(form.email)
  const error = checkEmail(email)
  if (error) return c.html(<ForgotPasswordPage email={email} error={error} />, 422)
  rememberInput(c, { email })
  await mailResetLink(c, email, requestedNext(c, form, email))
  securityLog(c, 'reset_request', 'answered')
  // The next step is in the mailbox: no button competes with it. The quiet
  // links fix a mistyped address (prefilled) or offer the other way in.
  const links = [
    { href: '/password/forgot', label: t.login.mistyped },
    { href: '/login/email?from=forgot', label: t.accessLink.offer },
  ]
  return c.html(<MessagePage title={t.forgot.sentTitle} body={t.forgot.sent(email, t.mail.resetSubject)} links={links} quiet />)
})

/**
 * Lookup, token and mail all happen after the response: the answer and its
 * timing are the same whether or not the address has an account.
 */
async function mailResetLink(c: Context<AppEnv>, email: string, next: string | null) {
  const client = clientOf(c)
  const requester = await mailRequesterOf(c)
  afterResponse(c, () =>
    mailBudget(c.var.db, email, requester, 'reset')
      .then((budget) => requestPasswordReset(c.var.db, c.var.config, email, budget, client, next))
      .then(async (queued) => {
        await showWithheldInDevMailbox(c, email, 'reset', queued)
        return c.var.outbox.send(...queued)
      })
      // After the response nobody is waiting for an error page: log it.
      .catch((error) => console.error(JSON.stringify({ event: 'reset_request.error', error: describeError(error) }))),
  )
}

/**
 * The mailed link. Like Django's PasswordResetConfirmView, it moves the
 * token out of the URL (into an HttpOnly `__Host-` cookie that only the reset page reads)
 * and redirects, so the token does not stay in the address bar, the history
 * or a Referer. It never spends the token: mail scanners open links too.
 */
passwordRoutes.get('/password/reset/:token', async (c) => {
  const token = c.req.param('token')
  if (!(await findOneTimeToken(c.var.db, token, 'password_reset'))) return invalidResetLink(c)
  resetCookie.set(c, token)
  return c.redirect('/password/reset', 303)
})

passwordRoutes.get('/password/reset', async (c) => {
  const resetAccount = await findResetAccount(c.var.db, resetCookie.read(c))
  if (!resetAccount) return invalidResetLink(c)
  return c.html(<ResetPasswordPage owner={resetAccount} account={maskEmail(resetAccount.email)} passkeys={resetAccount.passkeys} warning={await switchWarning(c, resetAccount)} timeZone={clientOf(c).timeZone} />)
})

passwordRoutes.post('/password/reset', async (c) => {
  const form = await readForm(c)
  const password = form.password ?? ''
  // The resetAccount is read first so the password can be checked against their
  // own name and address before anything is hashed or spent.
  const resetAccount = await findResetAccount(c.var.db, resetCookie.read(c))
  if (!resetAccount) return invalidResetLink(c)
  // Ticked "Conservar" boxes, by this account's passkey ids only (the batch checks the account again).
  const keep = resetAccount.passkeys.filter((passkey) => form[`keep_${passkey.id}`]).map((passkey) => passkey.id)
  const page = { owner: resetAccount, account: maskEmail(resetAccount.email), passkeys: resetAccount.passkeys, kept: keep, warning: await switchWarning(c, resetAccount), timeZone: clientOf(c).timeZone }
  if (switchUnconfirmed(page.warning, form)) return c.html(<ResetPasswordPage {...page} />, 409)
  const errors = checkNewPassword(password, form.password_confirmation ?? '', resetAccount)
  if (errors.password || errors.password_confirmation) return c.html(<ResetPasswordPage {...page} errors={errors} />, 422)
  const reset = await resetPassword(c.var.db, c.var.config, { token: resetCookie.read(c), account: resetAccount, password, keepPasskeys: keep }, await signInContext(c, 'reset'))
  if (!reset) return invalidResetLink(c)
  resetCookie.clear(c)
  sendEventsAfterResponse(c, reset.events)
  // beginSession also sends the queued mails.
  return c.redirect(beginSession(c, reset, reviewAfterReset(c, reset.next, reset.user)), 303)
})

/**
 * Always Seguridad's review first, whatever `next` the link carried: someone
 * who just recovered an account needs to see what can enter it now. Where
 * the person was going (read before beginSession forgets this browser's
 * flow) becomes the review's "Continuar", checked again there: anyone can
 * type this URL.
 */
function reviewAfterReset(c: Context<AppEnv>, linkNext: string | null, user: { email: string }) {
  const review = withNotice(c, '/security', 'contrasena-restablecida')
  const onward = onwardAfterReview(c, landingAfter(c, { next: linkNext, needsPassword: false, user }, () => ''))
  return onward ? `${review}&${ONWARD_PARAM}=${encodeURIComponent(onward)}` : review
}

function invalidResetLink(c: Context<AppEnv>) {
  resetCookie.clear(c)
  return c.html(
    <MessagePage
      title={t.reset.invalidTitle}
      body={t.reset.invalid}
      links={[
        { href: '/password/forgot', label: t.reset.askAgain },
        { href: '/login', label: t.reset.alreadyChanged },
      ]}
    />,
    400,
  )
}
