// The over-cap pass (src/auth/throttle.ts, mailBudget): the first reset or
// access link of an account's window passes a shared IP's mail cap, so a
// neighbour cannot silence her — but only for confirmed accounts, so one IP
// cannot make accounts at spellings of her inbox and aim the pass at it.
import { describe, expect, it } from 'vitest'
import { MAILS_PER_IP } from '../src/auth/limits'
import { Browser, mailsTo, postmark, signedInUser, uniqueEmail } from './helpers'

describe('the mailbox always works, and one IP cannot turn that into a cannon', () => {
  it('one IP over its mail cap that makes accounts at +tag spellings of her Gmail puts none of their links in her inbox, while her own confirmed account still gets its link', async () => {
    const local = `anacan${crypto.randomUUID().slice(0, 8)}`
    const inHerInbox = (to: string) => to.replace(/\+[^@]*/, '').replaceAll('.', '') === `${local}@gmailcom`
    const ip = { 'CF-Connecting-IP': `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1` }
    for (let i = 0; i < MAILS_PER_IP.limit; i++) await new Browser().post('/password/forgot', { email: uniqueEmail('inventada') }, ip)
    const spellings = Array.from({ length: 8 }, (_, i) => `${local}+${i}@gmail.com`)
    for (const email of spellings) {
      const signup = await new Browser().post('/signup', { name: 'X', email, password: 'clave-del-canon-1', password_confirmation: 'clave-del-canon-1' }, ip)
      expect(signup.status).toBe(200)
    }
    for (const email of spellings) {
      await new Browser().post('/password/forgot', { email }, ip)
      await new Browser().post('/login/email', { email }, ip)
    }
    expect(postmark.sent.filter((mail) => inHerInbox(mail.to)), 'mails the cannon put in her inbox').toHaveLength(0)

    // The pass itself still holds for a confirmed account, from that same IP.
    const { email: hers } = await signedInUser({ email: `${local}@gmail.com` })
    await new Browser().post('/password/forgot', { email: hers }, ip)
    expect(mailsTo(hers, 'password-reset')).toHaveLength(1)
  }, 90_000)
})
