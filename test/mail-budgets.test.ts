import { describe, expect, it } from 'vitest'
import { MAILS_PER_ADDRESS } from '../src/auth/limits'
import { Browser, mailsTo, PASSWORD, signedInUser, uniqueEmail, uniqueIPv4 } from './helpers'

// Mail budgets keyed the way attackers spread requests: by mailbox (every
// spelling of one inbox counts once) and by client (a whole IPv6 /64), and
// only mails that say nothing about an account spend the IP's budget.

describe('limits keyed like real attackers', () => {
  it('tagged spellings of one mailbox share its budget of "account exists" notes: 12 sign-ups at an existing account put at most 5 in it', async () => {
    const base = uniqueEmail('ana').split('@')
    const spellings = [1, 2].map((i) => `${base[0]}+${i}@${base[1]}`)
    for (const email of spellings) await new Browser().post('/signup', { name: 'Ana', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })
    for (let i = 0; i < 12; i++) {
      const email = spellings[i % 2]!
      expect((await new Browser().post('/signup', { name: 'Ana', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' })).status).toBe(200)
    }
    const notes = spellings.flatMap((email) => mailsTo(email)).filter((mail) => mail.tag !== 'email-verification')
    expect(notes).toHaveLength(MAILS_PER_ADDRESS.limit)
  })

  it('the per-IP mail cap counts a whole IPv6 /64 as one client', async () => {
    // New addresses signing up: confirmations, which never pass the cap.
    const emails = Array.from({ length: 12 }, () => uniqueEmail('vecino'))
    const prefix = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`
    for (const [i, email] of emails.entries()) {
      const host = { 'CF-Connecting-IP': `${prefix}::${(i + 1).toString(16)}` }
      await new Browser().post('/signup', { name: 'V', email, password: 'clave-segura-9', password_confirmation: 'clave-segura-9' }, host)
    }
    // 10 mail-causing requests per IP an hour: the /64's 11th and 12th send nothing.
    expect(emails.filter((email) => mailsTo(email, 'email-verification').length === 1)).toHaveLength(10)
  })

  it('both spellings of an internationalised domain are one mailbox: one account, one budget', async () => {
    const tag = crypto.randomUUID().slice(0, 6)
    const [unicode, ascii] = [`ana${tag}@bücher.example`, `ana${tag}@xn--bcher-kva.example`]
    await new Browser().post('/signup', { name: 'A', email: unicode, password: PASSWORD, password_confirmation: PASSWORD })
    await new Browser().post('/signup', { name: 'A', email: ascii, password: PASSWORD, password_confirmation: PASSWORD })
    expect(mailsTo(ascii).map((mail) => mail.tag)).toEqual(['email-verification', 'account-exists'])
    expect(mailsTo(unicode)).toHaveLength(0) // stored and mailed in its DNS form
  })

  it("a confirmation sent again after a right password does not spend the IP's mail budget (it would tell the account exists)", async () => {
    const ip = uniqueIPv4()
    const target = uniqueEmail('nueva')
    const attacker = new Browser()
    await attacker.post('/signup', { name: 'X', email: target, password: 'cualquier-cosa-93', password_confirmation: 'cualquier-cosa-93' }, { 'CF-Connecting-IP': ip })
    expect((await attacker.post('/login', { email: target, password: 'cualquier-cosa-93' }, { 'CF-Connecting-IP': ip })).status).toBe(401)
    expect(mailsTo(target, 'email-verification')).toHaveLength(2)
    // His own account, from the same IP: the IP's 10 mails an hour minus the sign-up's one = 9 still go out.
    const { email: own } = await signedInUser()
    const before = mailsTo(own).length
    for (let i = 0; i < 5; i++) await new Browser().post('/password/forgot', { email: own }, { 'CF-Connecting-IP': ip })
    for (let i = 0; i < 4; i++) await new Browser().post('/login/email', { email: own }, { 'CF-Connecting-IP': ip })
    expect(mailsTo(own).length - before).toBe(9)
  })
})
