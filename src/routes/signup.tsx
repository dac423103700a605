import { Hono, type Context } from 'hono'
import { MAX_NAME_LENGTH, spendLinkAndSignIn } from '../auth/accounts'
import { registerUser } from '../auth/registration'
import { checkEmail, normalizeEmail } from '../auth/emails'
import { checkNewPassword } from '../auth/passwords'
import { findOneTimeToken, matchToken } from '../auth/tokens'
import type { AppEnv } from '../env'
import { mailBudget } from '../auth/throttle'
import { clientOf } from '../http/client'
import { securityLog } from '../http/log'
import { beginSession, signInContext } from '../http/sign-in'
import { readForm } from '../http/forms'
import { t } from '../i18n'
import { MessagePage } from '../../views/message'
import { renderOnce } from '../../views/render-once'
import { SignupPage } from '../../views/signup'
import { VerifyEmailPage } from '../../views/verify'
import { withNotice } from './notices'

export const signupRoutes = new Hono<AppEnv>()

signupRoutes.get('/signup', async (c) => c.html(await renderOnce('signup', () => <SignupPage />)))

signupRoutes.post('/signup', async (c) => {
  const form = await readForm(c)
  const name = (form.name ?? '').trim()
  const email = normalizeEmail(form.email)
  const password = form.password ?? ''
  const errors = {
    name: !name ? t.errors.nameRequired : name.length > MAX_NAME_LENGTH ? t.errors.nameTooLong : undefined,
    email: checkEmail(email),
    ...checkNewPassword(password, form.password_confirmation ?? '', { name, email }),
  }
  if (Object.values(errors).some(Boolean)) return c.html(<SignupPage values={{ name, email }} errors={errors} />, 422)

  const budget = await mailBudget(c.var.db, email, clientOf(c).ip)
  // The same answer whether or not the address already had an account; the
  // owner of an existing account gets a note by mail instead. Over the mail
  // budget, no mail at all, and still the same answer.
  const queued = await registerUser(c.var.db, c.var.config, c.var.config.pepper, { name, email, password }, budget)
  c.executionCtx.waitUntil(c.var.outbox.send(...queued))
  securityLog(c, 'sign_up', 'answered')
  return c.html(<MessagePage title={t.signup.sentTitle} body={t.signup.sent(email)} />)
})

// The mailed link only shows a button (GET changes nothing: mail scanners
// open links); the button's POST verifies the address and signs in.
signupRoutes.get('/email/verify/:token', async (c) => {
  const found = await findOneTimeToken(c.var.db, c.req.param('token'), 'email_verification')
  if (!found) return invalidVerificationLink(c)
  return c.html(<VerifyEmailPage token={c.req.param('token')} />)
})

signupRoutes.post('/email/verify/:token', async (c) => {
  const match = await matchToken(c.req.param('token'), 'email_verification')
  const who = await signInContext(c, 'verification')
  const { signedIn: verified } = await spendLinkAndSignIn(c.var.db, match, {}, { who, events: ['email_verified'] })
  if (!verified) return invalidVerificationLink(c)
  beginSession(c, verified, 'verification')
  return c.redirect(withNotice('/profile', 'verificado'), 303)
})

function invalidVerificationLink(c: Context<AppEnv>) {
  return c.html(
    <MessagePage title={t.verify.invalidTitle} body={t.verify.invalid} links={[{ href: '/login', label: t.signup.loginLink }]} />,
    400,
  )
}
