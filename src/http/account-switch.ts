import type { Context } from 'hono'
import { maskEmail } from '../auth/access-links'
import { readSessionCookie } from './session'
import type { AppEnv } from '../env'
import { currentSession } from './session'
import type { SwitchWarning } from '../../views/partials/notices'


/**
 * Login CSRF with the attacker's own link: someone signed in who opens a
 * stranger's confirmation, reset or access link and presses its button
 * would end up in the stranger's account, typing her data into it. So the
 * link pages name the account they act on, and when the browser is signed
 * in as someone else they say so; the button then carries `switch=1`. A
 * POST without it, from such a browser, gets the page with the warning
 * instead of the switch. Costs nothing without a session cookie.
 */
export async function switchWarning(c: Context<AppEnv>, linkAccount: { email: string; userId: string } | null): Promise<SwitchWarning | null> {
  if (!linkAccount || !readSessionCookie(c)) return null
  const signedIn = await currentSession(c)
  if (!signedIn || signedIn.user.id === linkAccount.userId) return null
  const masked = { current: maskEmail(signedIn.user.email), target: maskEmail(linkAccount.email) }
  // Two accounts that mask alike ("b•••a@gmail.com") must still be told apart here.
  return masked.current === masked.target ? { current: signedIn.user.email, target: linkAccount.email } : masked
}

/** The warning still stands for this POST: the form did not confirm the switch. */
export function switchUnconfirmed(warning: SwitchWarning | null, form: Record<string, string>): warning is SwitchWarning {
  return warning !== null && form.switch !== '1'
}
