import { Hono, type Context } from 'hono'
import { sendAfterResponse } from '../http/after-response'
import { confirmEmail, registerUser, resendConfirmation } from '../auth/registration'
import { maskEmail } from '../auth/access-links'
import { checkName, normalizeName } from '../auth/names'
import { readSessionCookie } from '../http/session'
import { switchUnconfirmed, switchWarning } from '../http/account-switch'
import { bindSignupBrowser, signupBrowserOf } from '../http/signup-browser'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { checkNewPassword } from '../auth/passwords'
import { findOneTimeToken } from '../auth/one-time-tokens'
import type { AppEnv } from '../env'
import { showWithheldInDevMailbox } from '../http/withheld-in-dev'
import { mailBudget, signUpMailBudget } from '../auth/throttle'
import { mailRequesterOf } from '../http/requester'
import { securityLog } from '../http/log'
import { beginSession, landingAfter, signInContext } from '../http/sign-in'
import { requestedNext } from '../http/remembered-input'
import { readForm } from '../http/forms'
import { t } from '../i18n'
import { MessagePage } from '../../views/message'
import { renderOnce } from '../../views/render-once'
import { SignupPage, SignupSentPage } from '../../views/signup-page'
import { VerifyEmailPage } from '../../views/verify'
import { withNotice } from '../http/notices'

export const signupRoutes = new Hono<AppEnv>()

signupRoutes.get('/signup', async (c) => c.html(await renderOnce('signup', () => <SignupPage />)))

// The same answer whether or not the address already had an account; the
// owner of an existing account gets a note by mail instead. Over the mail
// budget, no mail at all, and still the same answer.
signupRoutes.post('/signup', async (c) => {
  const form = await readForm(c)
  const name = normalizeName(form.name)
  const email = normalizeEmail(form.email)
  const password = form.password ?? ''
  const errors = {
    name: checkName(name),
    email: checkEmail(email),
    ...checkNewPassword(password, form.password_confirmation ?? '', { name, email }),
  }
  if (Object.values(errors).some(Boolean)) return c.html(<SignupPage values={{ name, email }} errors={errors} />, 422)
  const budget = await signUpMailBudget(c.var.db, email, await mailRequesterOf(c))
  const queued = await registerUser(c.var.db, c.var.config, { name, email, password }, budget, await bindSignupBrowser(c), requestedNext(c, form, email))
  sendAfterResponse(c, queued)
  await showWithheldInDevMailbox(c, email, 'sign-up', queued)
  securityLog(c, 'sign_up', 'answered')
  return c.html(<SignupSentPage email={email} />)
})

// "REENVIAR EL CORREO": a new confirmation link if the address's account is
// still unconfirmed, within the budgets; the same answer for every address.
signupRoutes.post('/signup/resend', async (c) => {
  const email = normalizeEmail((await readForm(c)).email)
  if (checkEmail(email)) return c.redirect('/signup', 303)
  const budget = await mailBudget(c.var.db, email, await mailRequesterOf(c), 'confirmation')
  const queued = await resendConfirmation(c.var.db, c.var.config, email, budget)
  sendAfterResponse(c, queued)
  await showWithheldInDevMailbox(c, email, 'confirmation', queued)
  securityLog(c, 'confirmation_resend', 'answered')
  return c.html(<SignupSentPage email={email} notice={t.signup.resent} />)
})

// The mailed link only shows a button (GET changes nothing: mail scanners
// open links); the button's POST verifies the address and signs in.
signupRoutes.get('/email/verify/:token', async (c) => {
  const found = await findOneTimeToken(c.var.db, c.req.param('token'), 'email_verification')
  if (!found) return invalidVerificationLink(c)
  return c.html(<VerifyEmailPage token={c.req.param('token')} account={maskEmail(found.email)} warning={await switchWarning(c, found)} />)
})

signupRoutes.post('/email/verify/:token', async (c) => {
  const token = c.req.param('token')
  if (readSessionCookie(c)) {
    const found = await findOneTimeToken(c.var.db, token, 'email_verification')
    const warning = await switchWarning(c, found)
    if (switchUnconfirmed(warning, await readForm(c))) {
      return c.html(<VerifyEmailPage token={token} account={warning.target} warning={warning} />, 409)
    }
  }
  const verified = await confirmEmail(c.var.db, token, await signupBrowserOf(c), await signInContext(c, 'verification'))
  if (!verified) return invalidVerificationLink(c)
  // Confirmed from another browser: the sign-up password was discarded; the profile asks for one.
  return c.redirect(beginSession(c, verified, landingAfter(c, verified, withNotice(c, '/profile', 'verificado'))), 303)
})

function invalidVerificationLink(c: Context<AppEnv>) {
  return c.html(
    <MessagePage title={t.verify.invalidTitle} body={t.verify.invalid} links={[{ href: '/login', label: t.signup.signInLink }]} />,
    400,
  )
}
