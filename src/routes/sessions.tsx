import { Hono } from 'hono'
import { authenticate, signIn } from '../auth/accounts'
import { renewVerification } from '../auth/registration'
import { checkEmail, normalizeEmail } from '../auth/emails'
import { MAX_PASSWORD_LENGTH } from '../auth/passwords'
import { clearSessionCookie, deleteSessionByToken, readSessionCookie } from '../auth/sessions'
import { currentSession } from '../middleware/session'
import { mailBudget } from '../auth/throttle'
import type { AppEnv } from '../env'
import { clientOf } from '../http/client'
import { securityLog } from '../http/log'
import { beginSession, signInContext } from '../http/sign-in'
import { readForm, safeNext } from '../http/forms'
import { t } from '../i18n'
import { LoginPage } from '../../views/login'
import { MessagePage } from '../../views/message'
import { renderOnce } from '../../views/render-once'
import { ThrottledPage } from '../../views/throttled'
import { noticeFor, withNotice } from './notices'

export const sessionRoutes = new Hono<AppEnv>()

sessionRoutes.get('/login', async (c) => {
  if (await currentSession(c)) return c.redirect(safeNext(c.req.query('next')), 303)
  const next = c.req.query('next')
  const aviso = c.req.query('aviso')
  // The plain login window, the most visited page, is the same for everyone.
  if (!next && !aviso) return c.html(await renderOnce('login', () => <LoginPage />))
  return c.html(<LoginPage next={next} notice={noticeFor(aviso)} />)
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
  const result = await authenticate(c.var.db, c.var.config.pepper, email, password, clientOf(c))
  if (result.outcome === 'throttled') {
    // Unknown addresses are counted and refused the same way. The owner is not
    // locked out: the mailed link and code do not go through this counter.
    securityLog(c, 'sign_in', 'throttled')
    c.header('Retry-After', String(result.retryAfterSeconds))
    return c.html(<ThrottledPage minutes={Math.ceil(result.retryAfterSeconds / 60)} />, 429)
  }
  if (result.outcome === 'failed') {
    // Same page and status for an unknown address and a wrong password.
    securityLog(c, 'sign_in', 'failed', { method: 'password' })
    return c.html(<LoginPage email={email} next={form.next} error={t.login.invalid} />, 401)
  }
  const { user, upgradedHash } = result
  if (!user.emailVerifiedAt) {
    const queued = await renewVerification(c.var.db, c.var.config, user, await mailBudget(c.var.db, email, clientOf(c).ip))
    c.executionCtx.waitUntil(c.var.outbox.send(...queued))
    return c.html(<MessagePage title={t.login.unverifiedTitle} body={t.login.unverified} />, 403)
  }
  const signedIn = await signIn(c.var.db, user, upgradedHash, await signInContext(c, 'password'))
  beginSession(c, { sessionToken: signedIn.token, newDevice: signedIn.newDevice, queued: signedIn.queued }, 'password')
  return c.redirect(next, 303)
})

sessionRoutes.post('/logout', async (c) => {
  // Ends the session on the server by its cookie, without reading it first.
  await deleteSessionByToken(c.var.db, readSessionCookie(c))
  clearSessionCookie(c)
  return c.redirect(withNotice('/login', 'sesion-cerrada'), 303)
})
