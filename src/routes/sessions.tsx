import { Hono, type Context } from 'hono'
import { afterResponse } from '../http/after-response'
import { recordEvent } from '../auth/activity'
import type { User } from '../db/schema'
import { authenticate, signIn } from '../auth/authentication'
import { renewVerification } from '../auth/registration'
import { signupBrowserOf } from '../http/signup-browser'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { MAX_PASSWORD_LENGTH } from '../auth/passwords'
import { deleteSessionByToken } from '../auth/sessions'
import { clearSessionCookie, currentSession, readSessionCookie, takeSessionClosedNotice } from '../http/session'
import { mailBudget } from '../auth/throttle'
import type { AppEnv } from '../env'
import { clientOf, knownDeviceOf } from '../http/requester'
import { securityLog } from '../http/log'
import { describeError } from '../log'
import { rememberInput, rememberedNextFor, rememberedInputOf } from '../http/remembered-input'
import { forgetFlowsInProgress } from '../http/flows'
import { beginSession, signInContext } from '../http/sign-in'
import { nextFor, readForm } from '../http/forms'
import { t } from '../i18n'
import { LoginPage } from '../../views/login'
import { renderOnce } from '../../views/render-once'
import { ThrottledPage } from '../../views/throttled'
import { noticeFor, withNotice } from '../http/notices'

export const sessionRoutes = new Hono<AppEnv>()

/** The only notice /login shows: a link from a phishing mail cannot make it confirm "Su contraseña fue cambiada". */
const LOGIN_NOTICES = ['sesion-cerrada'] as const

sessionRoutes.get('/login', async (c) => {
  // Someone already signed in goes straight back where the app sent them.
  if (await currentSession(c)) return c.redirect(nextFor(c, c.req.query('next')), 303)
  // A session cookie that no longer resolves: this browser was signed out
  // elsewhere (an app's "Cerrar sesión" sends it here). currentSession has
  // cleared its flows; what was typed is not shown to the next person either.
  const signedOutElsewhere = Boolean(readSessionCookie(c))
  const remembered = signedOutElsewhere ? {} : rememberedInputOf(c)
  const next = c.req.query('next') ? nextFor(c, c.req.query('next'), '') || undefined : remembered.next
  // …and is told so, here or after the redirect from the page it asked for.
  const closedElsewhere = takeSessionClosedNotice(c)
  const aviso = c.req.query('aviso')
  // Where the person was going travels on to "Olvidé mi contraseña" and the
  // link pages — but not when another site sent the browser here: that
  // site would choose where this browser lands at its next sign-in.
  if (c.req.query('next') && next && c.req.header('Sec-Fetch-Site') !== 'cross-site') rememberInput(c, { next }, remembered)
  // The plain login window, the most visited page, is the same for everyone.
  if (!next && !aviso && !remembered.email && !closedElsewhere) return c.html(await renderOnce('login', () => <LoginPage />))
  return c.html(<LoginPage email={remembered.email} next={next} notice={noticeFor(c, LOGIN_NOTICES) ?? (closedElsewhere ? t.login.closedElsewhere : undefined)} />)
})

sessionRoutes.post('/login', async (c) => {
  const form = await readForm(c)
  const email = normalizeEmail(form.email)
  const password = form.password ?? ''
  const next = nextFor(c, form.next ?? rememberedNextFor(c, email))
  const errors = {
    email: checkEmail(email),
    password: !password ? t.errors.currentPasswordRequired : password.length > MAX_PASSWORD_LENGTH ? t.errors.passwordTooLong : undefined,
  }
  // Carried to "Olvidé mi contraseña", the link page and the throttled page, should this fail.
  if (!errors.email) rememberInput(c, { email, next: form.next ? next : undefined })
  // Shape errors only, under their fields: they say nothing about whether an account exists.
  if (errors.email || errors.password) return c.html(<LoginPage email={email} next={form.next} errors={errors} />, 422)
  const deviceHash = await knownDeviceOf(c)
  const result = await authenticate(c.var.db, c.var.config.passwords, email, password, { ip: clientOf(c).ip, deviceHash })
  if (result.outcome === 'throttled') return throttled(c, result.retryAfterSeconds)
  const signedIn = result.outcome === 'ok' && (await signIn(c.var.db, result.user, result, await signInContext(c, 'password')))
  if (signedIn) return c.redirect(beginSession(c, signedIn, next), 303)
  return failedSignIn(c, result, { email, next: form.next, deviceHash })
})

/**
 * Over the attempt limit. Unknown addresses are counted and refused the
 * same way. The owner's own browsers count apart, and the mailed link and
 * code do not go through this counter at all.
 */
function throttled(c: Context<AppEnv>, retryAfterSeconds: number) {
  securityLog(c, 'sign_in', 'throttled')
  c.header('Retry-After', String(retryAfterSeconds))
  return c.html(<ThrottledPage minutes={Math.ceil(retryAfterSeconds / 60)} />, 429)
}

/**
 * One answer for an unknown address, a wrong password, an unconfirmed
 * account (even with the right password) and a password changed while
 * this one was being checked. What differs happens after the response.
 */
async function failedSignIn(c: Context<AppEnv>, result: { outcome: 'failed' | 'unconfirmed' | 'ok'; user: User | null }, form: { email: string; next?: string; deviceHash: string | null }) {
  securityLog(c, 'sign_in', 'failed', { method: 'password' })
  if (result.user) {
    const user = result.user
    // After the response nobody is waiting for an error page: log it.
    afterResponse(c, () => afterFailedSignIn(c, result.outcome, user, form.deviceHash).catch((error) => console.error(JSON.stringify({ event: 'sign_in.after_error', error: describeError(error) }))))
  }
  // "Confirm it first" only where it can help: the browser that signed up (its own cookie, set for any address, so it says nothing of the account).
  const failure = (await signupBrowserOf(c)) ? `${t.login.invalid} ${t.login.confirmFirst}` : t.login.invalid
  return c.html(<LoginPage email={form.email} next={form.next} failure={failure} />, 401)
}

/**
 * After the response: a failure is recorded on the account; an unconfirmed
 * account with the right password gets its confirmation mail again (within
 * the address's confirmation budget and this IP's failed sign-ins, which every failed
 * sign-in counts alike: see mailBudget), bound to this browser if it is the
 * one that signed up.
 */
async function afterFailedSignIn(c: Context<AppEnv>, outcome: 'failed' | 'unconfirmed' | 'ok', user: User, deviceHash: string | null) {
  const client = clientOf(c)
  if (outcome !== 'unconfirmed') return void (await recordEvent(c.var.db, user.id, 'sign_in_failed', client, 'password'))
  const budget = await mailBudget(c.var.db, user.email, { ip: client.ip, deviceHash }, 'confirmation', 'failed-sign-ins')
  const queued = await renewVerification(c.var.db, c.var.config, user, budget, await signupBrowserOf(c))
  await c.var.outbox.send(...queued)
}

sessionRoutes.post('/logout', async (c) => {
  // Ends the session on the server by its cookie, without reading it first.
  await deleteSessionByToken(c.var.db, readSessionCookie(c))
  clearSessionCookie(c)
  forgetFlowsInProgress(c) // nothing of this person's is left for the next one on this browser
  return c.redirect(withNotice(c, '/login', 'sesion-cerrada'), 303)
})
