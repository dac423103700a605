import { Hono, type Context } from 'hono'
import { normalizeEmail } from '../addresses/email'
import { exportAccountData } from '../auth/account-data'
import { deleteAccount } from '../auth/account-deletion'
import type { AppEnv } from '../env'
import { sendAfterResponse } from '../http/after-response'
import { forgetFlowsInProgress } from '../http/flows'
import { readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { confirmRecentSignIn } from '../http/recent-sign-in'
import { clientOf } from '../http/requester'
import { clearSessionCookie } from '../http/session'
import { t } from '../i18n'
import { clock } from '../clock'
import { MessagePage } from '../../views/message'
import { securityPage } from './profile'

/**
 * "Sus datos" and "Eliminar la cuenta" on Seguridad (issue 22). Mounted
 * behind requireAuthentication. Both ask what a new password asks
 * (confirmRecentSignIn): a session signed in less than 10 minutes ago, or
 * the current password, or an access link for an account without one — a
 * borrowed, unlocked laptop must not carry the person's data away or end
 * the account.
 */
export const accountRoutes = new Hono<AppEnv>()

/** Where a deleted account's browser lands, signed out: mounted above the "deny by default" line. */
export const accountDeletedRoutes = new Hono<AppEnv>()

export const DELETED_PATH = '/cuenta-eliminada'

accountRoutes.post('/security/data', async (c) => {
  const form = await readForm(c)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.account.needsFreshSignIn)
  if (!check.ok) return c.html(securityPage(c, { account: { data: { error: check.error } } }), check.status)
  const data = await exportAccountData(c.var.db, c.var.user, { sessionId: c.var.session.id, client: clientOf(c), attemptKey: check.attemptKey })
  // This session was closed while the request ran (a reset elsewhere): like any closed session, back to sign in.
  if (!data) return signedOutMeanwhile(c)
  securityLog(c, 'data_export', 'ok')
  const day = new Date(clock.now()).toISOString().slice(0, 10)
  return c.body(JSON.stringify(data, null, 2), 200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="ecuabots-mis-datos-${day}.json"`,
  })
})

accountRoutes.post('/security/delete', async (c) => {
  const form = await readForm(c)
  // The address first: a mismatch is said under its field before any password is checked (and counted).
  const emailError = typedAddressError(form.email, c.var.user.email)
  if (emailError) return c.html(securityPage(c, { account: { deletion: { email: form.email, emailError } } }), 422)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.account.needsFreshSignIn)
  if (!check.ok) {
    const deletion = check.field === 'current_password' ? { email: form.email, passwordError: check.error } : { email: form.email, error: check.error }
    return c.html(securityPage(c, { account: { deletion } }), check.status)
  }
  const deleted = await deleteAccount(c.var.db, c.var.config, c.var.user, { sessionId: c.var.session.id, client: clientOf(c) })
  // This session was closed, or the address changed, while the request ran: nothing was erased.
  if (!deleted) return signedOutMeanwhile(c)
  signOutHere(c)
  securityLog(c, 'account_delete', 'ok')
  sendAfterResponse(c, deleted.queued, deleted.events)
  return c.redirect(DELETED_PATH, 303)
})

accountDeletedRoutes.get(DELETED_PATH, (c) =>
  c.html(<MessagePage title={t.account.deletedTitle} body={t.account.deletedBody} links={[{ href: '/signup', label: t.account.signUpAgain }]} />),
)

/** The typed confirmation, normalised as sign-up stores an address, against the account's: the message to show, or undefined. */
function typedAddressError(typed: string | undefined, email: string) {
  const address = normalizeEmail(typed)
  if (!address) return t.account.deleteEmailEmpty
  return address === email ? undefined : t.account.deleteEmailMismatch(email)
}

/** The session cookie and every flow this browser had in progress go: nothing here is signed in any more. */
function signOutHere(c: Context<AppEnv>) {
  clearSessionCookie(c)
  forgetFlowsInProgress(c)
}

function signedOutMeanwhile(c: Context<AppEnv>) {
  signOutHere(c)
  return c.redirect('/login', 303)
}
