import { Browser } from './browser'
import { codeIn, linkIn, mailsTo } from './mail'

/** Asks for a link and code from `browser`; returns the mail's link path and code. */
export async function askForLink(email: string, browser = new Browser(), extra: Record<string, string> = {}) {
  const page = await browser.post('/login/email', { email, ...extra })
  const mail = mailsTo(email, 'login-link').at(-1)
  return { page, mail, link: mail && linkIn(mail, '/login/email/'), code: mail && codeIn(mail) }
}

/** A six-digit code that is not `code`. */
export const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')
