import { Hono, type Context } from 'hono'
import { accessLinkRequestCookie, sendAccessLink } from '../http/access-link-request'
import { readSessionCookie } from '../http/session'
import { switchUnconfirmed, switchWarning } from '../http/account-switch'
import { carryEmailFromQuery, rememberInput, requestedNext, rememberedInputOf } from '../http/remembered-input'
import { checkEmail, normalizeEmail } from '../addresses/email'
import { maskEmail, signInWithCode, signInWithLink } from '../auth/access-links'
import { findOneTimeToken, tokenBySecret } from '../auth/one-time-tokens'
import type { AppEnv } from '../env'
import { readForm } from '../http/forms'
import { t } from '../i18n'
import { securityLog } from '../http/log'
import { beginSession, landingAfter, signInContext } from '../http/sign-in'
import { CodeMessage, ContinueAsPage, AccessLinkPage, AccessLinkSentPage, MAX_CODE_INPUT } from '../../views/access-link-pages'
import { MessagePage } from '../../views/message'
import { renderOnce } from '../../views/render-once'
import { withNotice } from '../http/notices'

// The access link ("enlace de acceso"). Its URLs (/login/email, /login/code…)
// keep the names they shipped with: they are in mails already sent, in
// bookmarks and in apps' links, so they are public; the code says "access link".
export const accessLinkRoutes = new Hono<AppEnv>()

accessLinkRoutes.get('/login/email', async (c) => {
  const carried = carryEmailFromQuery(c)
  if (carried) return c.redirect(carried, 303)
  const fromForgot = c.req.query('from') === 'forgot'
  // Prefilled with the address typed on another page; the plain form is the same for everyone.
  const { email } = rememberedInputOf(c)
  if (email) return c.html(<AccessLinkPage email={email} fromForgot={fromForgot} />)
  return c.html(await renderOnce(`access-link:${fromForgot}`, () => <AccessLinkPage fromForgot={fromForgot} />))
})

accessLinkRoutes.post('/login/email', async (c) => {
  const form = await readForm(c)
  const email = normalizeEmail(form.email)
  const fromForgot = form.from === 'forgot'
  const error = checkEmail(email)
  if (error) return c.html(<AccessLinkPage email={email} error={error} fromForgot={fromForgot} />, 422)
  rememberInput(c, { email })
  await sendAccessLink(c, email, { fromForgot, next: requestedNext(c, form, email) })
  return c.html(<AccessLinkSentPage email={email} />)
})

accessLinkRoutes.post('/login/code', async (c) => {
  const form = await readForm(c)
  const htmx = c.req.header('HX-Request') === 'true'
  // Bounded before any work: a code is 6 digits, perhaps typed with spaces.
  const code = (form.code ?? '').length <= MAX_CODE_INPUT ? (form.code ?? '').replace(/\s+/g, '') : ''
  if (!/^\d{6}$/.test(code)) return codeProblem(c, htmx, t.accessLink.codeFormat)
  const outcome = await signInWithCode(c.var.db, accessLinkRequestCookie.read(c), code, await signInContext(c, 'code'))
  if (outcome.signedIn) return goTo(c, htmx, beginSession(c, outcome.signedIn, landingAfter(c, outcome.signedIn, afterSignIn(c, outcome.signedIn))))
  securityLog(c, 'sign_in', outcome.remaining === 0 ? 'code_dead' : 'failed', { method: 'code' })
  if (outcome.remaining > 0) return codeProblem(c, htmx, t.accessLink.codeWrong(outcome.remaining))
  // Used up, expired or over the account's daily ceiling: lead to a new request.
  accessLinkRequestCookie.clear(c)
  return goTo(c, htmx, outcome.usedByLink ? `/login/code/vencido?motivo=${USED_BY_LINK}` : '/login/code/vencido')
})

/**
 * htmx follows a 303 inside fetch and would swap the whole next page into
 * the feedback box; HX-Redirect makes it load the page instead.
 */
function goTo(c: Context<AppEnv>, htmx: boolean, to: string) {
  return htmx ? c.body(null, 200, { 'HX-Redirect': to }) : c.redirect(to, 303)
}

/** The one reason the dead-code page may name (a fixed key: the URL cannot make the page say anything else). */
const USED_BY_LINK = 'enlace-usado'

accessLinkRoutes.get('/login/code/vencido', (c) => codeDead(c, c.req.query('motivo') === USED_BY_LINK))

// The mailed link only shows a button (GET changes nothing: mail scanners
// open links); the button's POST spends the request and signs in.
accessLinkRoutes.get('/login/email/:token', async (c) => {
  const link = await findOneTimeToken(c.var.db, c.req.param('token'), 'login')
  if (!link) return invalidAccessLink(c)
  return c.html(<ContinueAsPage maskedEmail={maskEmail(link.email)} token={c.req.param('token')} warning={await switchWarning(c, link)} />)
})

accessLinkRoutes.post('/login/email/:token', async (c) => {
  const token = c.req.param('token')
  if (readSessionCookie(c)) {
    const link = await findOneTimeToken(c.var.db, token, 'login')
    const warning = await switchWarning(c, link)
    if (switchUnconfirmed(warning, await readForm(c))) {
      return c.html(<ContinueAsPage maskedEmail={warning.target} token={token} warning={warning} />, 409)
    }
  }
  const signedIn = await signInWithLink(c.var.db, await tokenBySecret(token, 'login'), await signInContext(c, 'link'))
  if (!signedIn) return invalidAccessLink(c)
  return c.redirect(beginSession(c, signedIn, landingAfter(c, signedIn, afterSignIn(c, signedIn))), 303)
})

/** Without a place to go back to: someone who came from "Olvidé mi contraseña" lands on the profile with a prompt to choose a new password. */
function afterSignIn(c: Context<AppEnv>, signedIn: { fromForgot: boolean }) {
  return signedIn.fromForgot ? withNotice(c, '/profile', 'elija-contrasena') : '/profile'
}

function codeProblem(c: Context<AppEnv>, htmx: boolean, error: string) {
  if (htmx) return c.html(<CodeMessage error={error} />, 422)
  // Without JavaScript the whole answer page comes back, with the message by the field.
  return c.html(<AccessLinkSentPage feedback={{ error }} />, 422)
}

function codeDead(c: Context<AppEnv>, usedByLink: boolean) {
  const links = [
    { href: '/login/email', label: t.accessLink.askAgain },
    { href: '/login', label: t.login.title },
  ]
  const body = usedByLink ? t.accessLink.codeUsedByLink : t.accessLink.codeDead
  return c.html(<MessagePage title={t.accessLink.codeDeadTitle} body={body} links={links} />)
}

function invalidAccessLink(c: Context<AppEnv>) {
  const links = [
    { href: '/login/email', label: t.accessLink.askAgain },
    { href: '/login', label: t.login.title },
  ]
  return c.html(<MessagePage title={t.accessLink.invalidTitle} body={t.accessLink.invalid} links={links} />, 400)
}
