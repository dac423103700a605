import { describe, expect, it } from 'vitest'
import { CODE_ATTEMPTS, CONFIRMATION_RESENDS_PER_IP, MAILS_PER_ADDRESS, MAILS_PER_IP } from '../src/auth/limits'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail } from './helpers'
import { expectLinkToHerAccount, gmailFamily } from './helpers/mailbox'

/** A stranger's browser whose IP has used up its mail cap on made-up addresses: nothing it asks for is mailed any more. */
async function strangerOverIpCap() {
  const stranger = new Browser()
  for (let i = 0; i < MAILS_PER_IP.limit; i++) await stranger.post('/password/forgot', { email: uniqueEmail('inventada') })
  return stranger
}

/** Someone signed up (from a browser of their own) and never confirmed. */
async function unconfirmedAccount() {
  const email = uniqueEmail('sin-confirmar')
  await new Browser().post('/signup', { name: 'Rosa Vera', email, password: PASSWORD, password_confirmation: PASSWORD })
  expect(mailsTo(email, 'email-verification')).toHaveLength(1)
  return email
}

describe('the mailbox always works: a mail counts against a mailbox only when it is queued', () => {
  it('a stranger over his IP cap asking for her resets and links cannot silence her: from a new device she gets a reset mail and an access link', async () => {
    const { email } = await signedInUser()
    const before = mailsTo(email).length
    const stranger = await strangerOverIpCap()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) {
      await stranger.post('/password/forgot', { email })
      await stranger.post('/login/email', { email })
    }
    for (let i = 0; i < 11; i++) await stranger.post('/login', { email, password: 'no-es-la-clave-9' })
    // Over his cap only the first reset and the first access link of her window went out (see "on a shared network"), and they count once each.
    expect(mailsTo(email).length).toBe(before + 2)

    const newDevice = new Browser()
    expect((await newDevice.post('/password/forgot', { email })).status).toBe(200)
    expect(mailsTo(email, 'password-reset')).toHaveLength(2)
    const reset = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    expect((await newDevice.get(reset)).status).toBe(303) // a live link: it opens the reset page
    expect((await newDevice.post('/login/email', { email })).status).toBe(200)
    expect(mailsTo(email, 'login-link')).toHaveLength(2)
  }, 60_000)

  it('strangers who do use up her reset budget have put live reset links in her mailbox', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) await new Browser().post('/password/forgot', { email })
    const owner = new Browser()
    await owner.post('/password/forgot', { email })
    const resets = mailsTo(email, 'password-reset')
    expect(resets).toHaveLength(MAILS_PER_ADDRESS.limit) // hers was over the budget…
    expect((await owner.get(linkIn(resets.at(-1)!, '/password/reset/'))).status).toBe(303) // …and the strangers' last one works
  })

  it('nothing a stranger asks for an address without an account counts against it: her sign-up confirmation still arrives', async () => {
    const email = uniqueEmail('futura')
    const stranger = await strangerOverIpCap()
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) {
      await stranger.post('/login/email', { email })
      await stranger.post('/password/forgot', { email })
    }
    // Strangers within their own caps: no account, so no mail, so nothing counted either.
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) await new Browser().post('/login/email', { email })
    expect(mailsTo(email).length).toBe(0)

    await new Browser().post('/signup', { name: 'Lucía Paz', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect(mailsTo(email, 'email-verification')).toHaveLength(1)
  }, 60_000)
})

describe('the mailbox always works: only mails that open her account spend her reset and access budgets', () => {
  it('strangers with +tag and dotted spellings of her Gmail cannot silence her: from a new device she gets a reset link and an access link to her account', async () => {
    const { hers, spelling } = gmailFamily()
    await signedInUser({ email: hers })
    // Accounts at other spellings of her inbox: their confirmations fill the mailbox's budget…
    for (let i = 1; i <= MAILS_PER_ADDRESS.limit; i++) {
      await new Browser().post('/signup', { name: 'Extraño', email: spelling(i), password: PASSWORD, password_confirmation: PASSWORD })
    }
    // …and resets for one of them land in her inbox, but open his account.
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) await new Browser().post('/password/forgot', { email: spelling(1) })
    expect(mailsTo(spelling(1), 'password-reset')).toHaveLength(MAILS_PER_ADDRESS.limit)

    const newDevice = new Browser()
    expect((await newDevice.post('/password/forgot', { email: hers })).status).toBe(200)
    await expectLinkToHerAccount(mailsTo(hers, 'password-reset').at(-1), '/password/reset/', hers)
    expect((await newDevice.post('/login/email', { email: hers })).status).toBe(200)
    await expectLinkToHerAccount(mailsTo(hers, 'login-link').at(-1), '/login/email/', hers)
  }, 60_000)

  it('sign-ups with her own address (notes that the account exists) do not use up her access links', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) {
      await new Browser().post('/signup', { name: 'Extraño', email, password: PASSWORD, password_confirmation: PASSWORD })
    }
    expect(mailsTo(email).length).toBeGreaterThan(1) // the notes went out
    await new Browser().post('/login/email', { email })
    await expectLinkToHerAccount(mailsTo(email, 'login-link').at(-1), '/login/email/', email)
  }, 60_000)

  it('a stranger typing wrong codes in the browser that asked leaves every mailed access link working', async () => {
    const { email } = await signedInUser()
    for (let round = 0; round < MAILS_PER_ADDRESS.limit; round++) {
      const stranger = new Browser()
      await stranger.post('/login/email', { email })
      const code = lastMailTo(email, 'login-link').text.match(/^\s{4}(\d{6})$/m)![1]!
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) await stranger.post('/login/code', { code: wrong })
      expect((await stranger.post('/login/code', { code })).location).toBe('/login/code/vencido') // his code is dead
    }
    // Her own request is now over the budget; the strangers' links in her inbox are live, and one signs her in.
    const links = mailsTo(email, 'login-link')
    expect(links).toHaveLength(MAILS_PER_ADDRESS.limit)
    for (const mail of links) expect((await new Browser().get(linkIn(mail, '/login/email/'))).status).toBe(200)
    const owner = new Browser()
    const signedIn = await owner.post(linkIn(links.at(-1)!, '/login/email/'))
    expect(signedIn.status).toBe(303)
    expect(owner.cookie('__Host-session')).toBeDefined()
  }, 60_000)
})

describe('confirmation re-sends are bounded per IP, and the count says nothing about accounts', () => {
  const failures = CONFIRMATION_RESENDS_PER_IP.limit - 1

  // Each kind of failed sign-in moves the same counter: after as many of any
  // kind, the right password on an unconfirmed account behaves the same.
  it.each([
    ['unknown addresses', async () => () => ({ email: uniqueEmail('nadie'), password: PASSWORD })],
    ['wrong passwords', async () => {
      // Two accounts, so that neither reaches its own limit of attempts (that would answer 429).
      const accounts = [(await signedInUser()).email, (await signedInUser()).email]
      let turn = 0
      return () => ({ email: accounts[turn++ % accounts.length]!, password: 'no-es-la-clave-9' })
    }],
    ['right passwords on unconfirmed accounts', async () => {
      const accounts = [await unconfirmedAccount(), await unconfirmedAccount()]
      let turn = 0
      return () => ({ email: accounts[turn++ % accounts.length]!, password: PASSWORD })
    }],
  ])('after 19 failed sign-ins from one IP with %s, the 20th sends a confirmation again and the 21st does not', async (_, prepare) => {
    const next = await prepare()
    const browser = new Browser()
    for (let i = 0; i < failures; i++) expect((await browser.post('/login', next())).status).toBe(401)

    const within = await unconfirmedAccount()
    expect((await browser.post('/login', { email: within, password: PASSWORD })).status).toBe(401)
    expect(mailsTo(within, 'email-verification')).toHaveLength(2)

    const past = await unconfirmedAccount()
    expect((await browser.post('/login', { email: past, password: PASSWORD })).status).toBe(401)
    expect(mailsTo(past, 'email-verification')).toHaveLength(1) // the sign-up's own, nothing more
  }, 120_000)

  it('a right password that signs in gives its count back: the owner signing in often does not use up the re-sends', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    for (let i = 0; i < CONFIRMATION_RESENDS_PER_IP.limit; i++) {
      expect((await browser.post('/login', { email, password: PASSWORD })).status).toBe(303)
      await browser.post('/logout')
    }
    const unconfirmed = await unconfirmedAccount()
    await browser.post('/login', { email: unconfirmed, password: PASSWORD })
    expect(mailsTo(unconfirmed, 'email-verification')).toHaveLength(2)
  }, 120_000)
})
