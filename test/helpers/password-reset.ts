import { Browser } from './browser'
import { lastMailTo, linkIn } from './mail'

/** Asks for a reset from `browser` ("Olvidé mi contraseña"); returns the path of the mailed link. */
export async function requestReset(email: string, browser = new Browser()) {
  await browser.post('/password/forgot', { email })
  return linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
}

/**
 * The reset as a person does it in `browser`: asks for the mail, opens its
 * link, chooses `password`. Returns the answer to that last form.
 */
export async function resetPassword(browser: Browser, email: string, password: string) {
  await browser.get(await requestReset(email, browser))
  return browser.post('/password/reset', { password, password_confirmation: password })
}
