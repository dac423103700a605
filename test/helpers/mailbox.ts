import { expect } from 'vitest'
import { maskEmail } from '../../src/auth/access-links'
import { Browser } from './browser'
import { linkIn, type SentMail } from './mail'
import { visibleText } from './text'

/** A Gmail address of her own, and other spellings of the same inbox that a stranger may sign up with. */
export function gmailFamily() {
  const local = `anasil${crypto.randomUUID().slice(0, 8)}`
  const dotted = `${local.slice(0, 3)}.${local.slice(3)}`
  return { hers: `${local}@gmail.com`, spelling: (i: number) => `${dotted}+x${i}@${i % 2 ? 'gmail.com' : 'googlemail.com'}` }
}

/** Her mailed link of this kind opens her own account: the page it leads to names her (masked) address. */
export async function expectLinkToHerAccount(mail: SentMail | undefined, prefix: string, hers: string) {
  expect(mail, `a ${prefix} mail to ${hers}`).toBeDefined()
  const browser = new Browser()
  const page = await browser.get(linkIn(mail!, prefix))
  if (prefix === '/password/reset/') {
    expect(page.status).toBe(303) // a live link: it moves the token to a cookie and opens the reset page
    const reset = await browser.get(page.location!)
    expect(reset.status).toBe(200)
    expect(visibleText(reset.text)).toContain(maskEmail(hers))
  } else {
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(maskEmail(hers))
  }
}
