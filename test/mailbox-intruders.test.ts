import { describe, expect, it } from 'vitest'
import { MAILS_PER_ADDRESS, MAILS_PER_IP } from '../src/auth/limits'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'
import { expectLinkToHerAccount, gmailFamily } from './helpers/mailbox'
import { addPasskey, SoftAuthenticator } from './helpers/webauthn'

// The mailbox always works against intruders: someone holding her session,
// strangers on her network, and strangers signing up at other spellings of
// her inbox. (mailbox.test.ts: what counts against a mailbox at all.)

/** The links of this kind in her mailbox that still open (a reset link moves to its page, an access link shows its button). */
async function liveLinks(email: string, tag: 'password-reset' | 'login-link') {
  const prefix = tag === 'password-reset' ? '/password/reset/' : '/login/email/'
  const live: string[] = []
  for (const mail of mailsTo(email, tag)) {
    const link = linkIn(mail, prefix)
    if ((await new Browser().get(link)).status === (tag === 'password-reset' ? 303 : 200)) live.push(link)
  }
  return live
}

/** Resets with `link` in a new browser: the session this starts is hers alone. */
async function resetWith(link: string, password: string) {
  const owner = new Browser()
  expect((await owner.get(link)).status).toBe(303)
  const done = await owner.post('/password/reset', { password, password_confirmation: password })
  expect(done.status).toBe(303)
  return owner
}

describe('the mailbox always works against an intruder holding a session: only a completed reset spends reset links', () => {
  it('an intruder who changes the password after strangers used up her reset budget does not silence her: a reset link in her mailbox still works, and it throws him out', async () => {
    const { email, browser: intruder } = await signedInUser()
    await new Browser().post('/login/email', { email })
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) await new Browser().post('/password/forgot', { email })
    const changed = await intruder.post('/profile', { name: 'Ana', password: 'otra-clave-del-intruso-1', password_confirmation: 'otra-clave-del-intruso-1' })
    expect(changed.status).toBe(303)

    await new Browser().post('/password/forgot', { email }) // her own request, over the budget the strangers spent
    expect(mailsTo(email, 'password-reset')).toHaveLength(MAILS_PER_ADDRESS.limit)
    const live = await liveLinks(email, 'password-reset')
    expect(live).toHaveLength(MAILS_PER_ADDRESS.limit)
    // The change still spends access links and codes: a link mailed before it no longer signs in.
    expect(await liveLinks(email, 'login-link')).toHaveLength(0)

    await resetWith(live.at(-1)!, 'faro-del-sur-2026')
    expect((await intruder.get('/profile')).status).toBe(303) // his session ended with the reset
  }, 60_000)

  it('an intruder changing the password every few seconds leaves the reset link she just asked for working', async () => {
    const { email, browser: intruder } = await signedInUser()
    await new Browser().post('/password/forgot', { email })
    const link = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    for (const password of ['intruso-clave-01', 'intruso-clave-02', 'intruso-clave-03']) {
      expect((await intruder.post('/profile', { name: 'Ana', password, password_confirmation: password })).status).toBe(303)
    }
    await resetWith(link, 'faro-del-sur-2026')
    expect((await intruder.get('/profile')).status).toBe(303)
    expect((await new Browser().post('/login', { email, password: 'intruso-clave-03' })).status).toBe(401)
  }, 60_000)

  it('a copied session cookie that closes her other sessions, adds and removes a passkey, asks for re-authentication links and changes the password leaves her reset link working and her reset budget whole', async () => {
    const { email, browser: owner } = await signedInUser()
    await new Browser().post('/password/forgot', { email })
    const before = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    // The cookie alone, in a browser the account does not know: nothing of her own limits.
    const thief = new Browser()
    const stolen = { Cookie: `__Host-session=${owner.cookie('__Host-session')}` }
    expect((await thief.post('/profile/sessions/revoke-others', {}, stolen)).status).toBe(303) // fresh: no password asked
    // From here on the thief's own jar holds the rotated session.
    const authenticator = await SoftAuthenticator.create()
    expect((await addPasskey(thief, authenticator)).status).toBe(200)
    const id = (await thief.get('/profile')).text.match(/\/profile\/passkeys\/([^/"]+)\/delete/)![1]!
    expect((await thief.post(`/profile/passkeys/${id}/delete`)).status).toBe(303)
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) expect((await thief.post('/profile/reauth', { name: 'Ana' })).status).toBe(200)
    expect((await thief.post('/profile', { name: 'Ana', password: 'del-ladron-777', password_confirmation: 'del-ladron-777' })).status).toBe(303)

    expect(await liveLinks(email, 'password-reset')).toEqual([before])
    const resets = mailsTo(email, 'password-reset').length
    await new Browser().post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(resets + 1) // her budget was not touched
    await resetWith(before, 'faro-del-sur-2026')
  }, 60_000)
})

describe('the mailbox always works on a shared network (an IPv6 /64, carrier-grade NAT)', () => {
  /** Browsers in one /64: each its own host, one client for the per-IP caps. */
  function sharedNetwork() {
    const prefix = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`
    let host = 0
    return () => ({ 'CF-Connecting-IP': `${prefix}::${(++host).toString(16)}` })
  }

  it('a neighbour who uses up the mail cap of her /64 with made-up addresses cannot silence her: her new device there gets a reset link and an access link', async () => {
    const { email } = await signedInUser()
    const neighbourhood = sharedNetwork()
    for (let i = 0; i < MAILS_PER_IP.limit; i++) await new Browser().post('/password/forgot', { email: uniqueEmail('inventada') }, neighbourhood())
    const newDevice = new Browser()
    const here = neighbourhood()
    await newDevice.post('/password/forgot', { email }, here)
    await newDevice.post('/login/email', { email }, here)
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
    await expectLinkToHerAccount(lastMailTo(email, 'password-reset'), '/password/reset/', email)
    await expectLinkToHerAccount(lastMailTo(email, 'login-link'), '/login/email/', email)
  }, 60_000)

  it('a neighbour who uses up the cap and then asks for her links over and over has put one live reset link and one live access link in her mailbox, and no more', async () => {
    const { email } = await signedInUser()
    const neighbourhood = sharedNetwork()
    for (let i = 0; i < MAILS_PER_IP.limit; i++) await new Browser().post('/login/email', { email: uniqueEmail('inventada') }, neighbourhood())
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) {
      await new Browser().post('/password/forgot', { email }, neighbourhood())
      await new Browser().post('/login/email', { email }, neighbourhood())
    }
    // The first of each kind in this window went out over the cap; the rest did not.
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
    const newDevice = new Browser()
    const here = neighbourhood()
    await newDevice.post('/password/forgot', { email }, here)
    await newDevice.post('/login/email', { email }, here)
    // Her own requests found the cap used and her window begun: the neighbour's links are live in her mailbox.
    expect(await liveLinks(email, 'password-reset')).toHaveLength(1)
    expect(await liveLinks(email, 'login-link')).toHaveLength(1)
    await expectLinkToHerAccount(lastMailTo(email, 'password-reset'), '/password/reset/', email)
    await expectLinkToHerAccount(lastMailTo(email, 'login-link'), '/login/email/', email)
  }, 60_000)

  it('over the cap, everything else stays capped: no confirmation for a sign-up, no second link of a kind in a window, and made-up addresses answer like hers', async () => {
    const { email } = await signedInUser()
    const neighbourhood = sharedNetwork()
    for (let i = 0; i < MAILS_PER_IP.limit; i++) await new Browser().post('/password/forgot', { email: uniqueEmail('inventada') }, neighbourhood())
    const newcomer = uniqueEmail('nueva')
    const signup = await new Browser().post('/signup', { name: 'Rosa Vera', email: newcomer, password: PASSWORD, password_confirmation: PASSWORD }, neighbourhood())
    expect(signup.status).toBe(200)
    expect(mailsTo(newcomer)).toHaveLength(0)
    const hers = await new Browser().post('/password/forgot', { email }, neighbourhood())
    const madeUp = await new Browser().post('/password/forgot', { email: uniqueEmail('inventada') }, neighbourhood())
    expect(visibleText(hers.text).replace(email, '…')).toBe(visibleText(madeUp.text).replace(/inventada-\S+@example\.com/, '…'))
    await new Browser().post('/password/forgot', { email }, neighbourhood())
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  }, 60_000)
})

describe("the mailbox always works: her sign-up confirmation is not silenced by strangers' sign-ups at other spellings of her mailbox", () => {
  it('after strangers sign up at seven +tag and dotted spellings of her Gmail, her own sign-up gets its confirmation, and so does her sign-in before confirming', async () => {
    const { hers, spelling } = gmailFamily()
    for (let i = 1; i <= MAILS_PER_ADDRESS.limit + 2; i++) {
      await new Browser().post('/signup', { name: 'Extraño', email: spelling(i), password: PASSWORD, password_confirmation: PASSWORD })
    }
    const browser = new Browser()
    expect((await browser.post('/signup', { name: 'Lucía Paz', email: hers, password: PASSWORD, password_confirmation: PASSWORD })).status).toBe(200)
    expect(mailsTo(hers, 'email-verification')).toHaveLength(1)
    expect((await new Browser().post('/login', { email: hers, password: PASSWORD })).status).toBe(401)
    expect(mailsTo(hers, 'email-verification')).toHaveLength(2)
    expect((await browser.post(linkIn(lastMailTo(hers, 'email-verification'), '/email/verify/'))).status).toBe(303)
  }, 60_000)

  it('the notes that an account exists still share one budget across every spelling of the mailbox', async () => {
    const base = uniqueEmail('ana').split('@')
    const spellings = [1, 2, 3].map((i) => `${base[0]}+${i}@${base[1]}`)
    for (const email of spellings) await new Browser().post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect(spellings.map((email) => mailsTo(email, 'email-verification').length)).toEqual([1, 1, 1]) // each spelling's own confirmation
    for (let round = 0; round < 3; round++) {
      for (const email of spellings) await new Browser().post('/signup', { name: 'Ana', email, password: PASSWORD, password_confirmation: PASSWORD })
    }
    // Nine sign-ups at existing accounts: the mailbox gets at most its budget of notes, the three confirmations counted apart.
    const notes = spellings.flatMap((email) => mailsTo(email)).filter((mail) => mail.tag !== 'email-verification')
    expect(notes).toHaveLength(MAILS_PER_ADDRESS.limit)
  }, 60_000)
})
