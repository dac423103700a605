import type { Context } from 'hono'
import { hasPassword } from '../auth/accounts'
import { recordEvent } from '../auth/activity'
import { reauthenticate } from '../auth/authentication'
import { isFreshSession } from '../auth/sessions'
import type { AppEnv } from '../env'
import { t } from '../i18n'
import { clientOf, knownDeviceOf } from './requester'
import { securityLog } from './log'

/**
 * The re-authentication gate for what changes a session's reach: a new
 * password, closing every other session. A session signed in less than 10
 * minutes ago passes; an older one must give the current password (a
 * borrowed, unlocked laptop or a copied cookie is not enough), and wrong
 * answers count like wrong sign-ins, so a stolen session cannot guess
 * forever. An account without a password (confirmed from another browser)
 * has nothing to re-enter: only a fresh sign-in (the mailed link) passes.
 * `attemptKey`, when a password was checked, gives the attempt back in the
 * batch that acts.
 */
export async function confirmRecentSignIn(
  c: Context<AppEnv>,
  currentPassword: string,
  withoutPassword: string,
): Promise<{ ok: true; attemptKey: string | null } | { ok: false; status: 422 | 429; field: 'current_password' | 'password'; error: string }> {
  const user = c.var.user
  if (isFreshSession(c.var.session)) return { ok: true, attemptKey: null }
  if (!hasPassword(user)) return { ok: false, status: 422, field: 'password', error: withoutPassword }
  // Nothing typed is not a wrong answer: said as such, and not counted against the owner.
  if (!currentPassword) return { ok: false, status: 422, field: 'current_password', error: t.errors.currentPasswordEmpty }
  const check = await reauthenticate(c.var.db, c.var.config.passwords, user, currentPassword, await knownDeviceOf(c))
  if (check.outcome === 'throttled') {
    securityLog(c, 'reauthentication', 'throttled')
    c.header('Retry-After', String(check.retryAfterSeconds))
    const minutes = Math.ceil(check.retryAfterSeconds / 60)
    return { ok: false, status: 429, field: 'current_password', error: t.errors.currentPasswordThrottled(minutes) }
  }
  if (check.outcome === 'failed') {
    securityLog(c, 'reauthentication', 'failed')
    await recordEvent(c.var.db, user.id, 'reauthentication_failed', clientOf(c))
    return { ok: false, status: 422, field: 'current_password', error: t.errors.currentPasswordWrong }
  }
  return { ok: true, attemptKey: check.attemptKey }
}

/** Whether the page should ask for the current password: an account with one, on a session older than 10 minutes. */
export function asksCurrentPassword(c: Context<AppEnv>) {
  return hasPassword(c.var.user) && !isFreshSession(c.var.session)
}
