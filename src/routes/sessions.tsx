import { Hono } from 'hono'
import { authenticate, signIn } from '../auth/accounts'
import { checkEmail, normalizeEmail } from '../auth/emails'
import { MAX_PASSWORD_LENGTH } from '../auth/passwords'
import { clearSessionCookie, deleteSession } from '../auth/sessions'
import { newOneTimeToken } from '../auth/tokens'
import type { AppEnv } from '../env'
import { beginSession } from '../middleware/session'
import { readForm, safeNext } from '../http/forms'
import { t } from '../i18n'
import { sendVerificationMail } from '../mail/messages'
import { LoginPage } from '../../views/login'
import { MessagePage } from '../../views/message'
import { noticeFor, withNotice } from './notices'

export const sessionRoutes = new Hono<AppEnv>()

sessionRoutes.get('/login', (c) => {
  if (c.var.user) return c.redirect(safeNext(c.req.query('next')), 303)
  return c.html(<LoginPage next={c.req.query('next')} notice={noticeFor(c.req.query('aviso'))} />)
})

sessionRoutes.post('/login', async (c) => {
  const form = await readForm(c)
  const email = normalizeEmail(form.email)
  const password = form.password ?? ''
  const next = safeNext(form.next)
  const emailError = checkEmail(email)
  if (emailError || !password || password.length > MAX_PASSWORD_LENGTH) {
    // Shape errors only: they say nothing about whether an account exists.
    return c.html(<LoginPage email={email} next={form.next} error={emailError ?? t.login.invalid} />, 422)
  }
  const result = await authenticate(c.var.db, c.var.config.pepper, email, password)
  if (!result) {
    // Same page and status for an unknown address and a wrong password.
    return c.html(<LoginPage email={email} next={form.next} error={t.login.invalid} />, 401)
  }
  const { user, upgradedHash } = result
  if (!user.emailVerifiedAt) {
    const verification = await newOneTimeToken(c.var.db, user.id, 'email_verification')
    await verification.insert
    c.executionCtx.waitUntil(sendVerificationMail(c.var, user, verification.token))
    return c.html(<MessagePage title={t.login.unverifiedTitle} body={t.login.unverified} />, 403)
  }
  await beginSession(c, await signIn(c.var.db, user, upgradedHash))
  return c.redirect(next, 303)
})

sessionRoutes.post('/logout', async (c) => {
  if (c.var.session) await deleteSession(c.var.db, c.var.session.id)
  clearSessionCookie(c)
  return c.redirect(withNotice('/login', 'sesion-cerrada'), 303)
})
