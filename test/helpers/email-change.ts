import type { Browser } from './browser'
import { lastMailTo, linkIn, mailsTo } from './mail'

/** Asks, from a signed-in browser, to move the account at `oldEmail` to `newEmail`; returns the page and the two links mailed (null if none was). */
export async function askToChange(browser: Browser, oldEmail: string, newEmail: string, form: Record<string, string> = {}) {
  const page = await browser.post('/profile/email', { email: newEmail, ...form })
  const confirm = mailsTo(newEmail, 'email-change-confirm').length ? linkIn(lastMailTo(newEmail, 'email-change-confirm'), '/email/change/') : null
  const undo = mailsTo(oldEmail, 'email-change-requested').length ? linkIn(lastMailTo(oldEmail, 'email-change-requested'), '/email/undo/') : null
  return { page, confirm, undo }
}
