import type { Browser } from './browser'
import { lastMailTo, linkIn } from './mail'

/**
 * The reset as a person does it in `browser`: asks for the mail, opens its
 * link, chooses `password`. Returns the answer to that last form.
 */
export async function resetPassword(browser: Browser, email: string, password: string) {
  await browser.post('/password/forgot', { email })
  await browser.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
  return browser.post('/password/reset', { password, password_confirmation: password })
}
