import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES, MAILS_PER_ADDRESS } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, resetPassword, signedInUser, uniqueEmail, uniqueIPv4 } from './helpers'

// Strangers who flood an account with wrong passwords or mail requests lock
// out strangers, never the owner: her own (known) browser keeps its own
// counters, and reset links have a budget of their own.

afterEach(() => vi.restoreAllMocks())

describe('targeted lockout', () => {
  it("strangers' wrong passwords lock strangers out, not the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser() // this browser now holds a device cookie the account knows
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: 'adivinanza' })
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(429) // a new browser waits…
    await owner.post('/logout')
    const back = await owner.post('/login', { email, password: PASSWORD }) // …the owner's own does not
    expect(back.status).toBe(303)
  })

  it("a planted device cookie that the account never saw counts with the strangers", async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: 'adivinanza' })
    const forged = await new Browser().post('/login', { email, password: PASSWORD }, { Cookie: `__Host-device=${'A'.repeat(43)}` })
    expect(forged.status).toBe(429)
  })

  it("strangers asking for mails cannot silence the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 2; i++) await new Browser().post('/login/email', { email })
    const before = mailsTo(email, 'login-link').length
    expect((await owner.post('/login/email', { email })).status).toBe(200)
    expect(mailsTo(email, 'login-link')).toHaveLength(before + 1)
  })

  it('strangers flooding sign-ups and sign-in links cannot silence a reset from a new device', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 2; i++) {
      await new Browser().post('/signup', { name: 'X', email, password: 'otra-clave-55', password_confirmation: 'otra-clave-55' })
      await new Browser().post('/login/email', { email })
    }
    const phone = new Browser()
    await phone.post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await phone.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))).status).toBe(303)
  })

  it('strangers flooding resets leave a live reset link in the mailbox that any browser can use', async () => {
    const { email } = await signedInUser()
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 3; i++) await new Browser().post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(MAILS_PER_ADDRESS.limit)
    const phone = new Browser()
    await phone.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
    expect((await phone.post('/password/reset', { password: 'nueva-clave-88', password_confirmation: 'nueva-clave-88' })).status).toBe(303)
  })

  it('after a reset, browsers that signed in before count with the strangers, and their next sign-in is announced', async () => {
    const { email } = await signedInUser()
    const old = new Browser() // someone who had the password once
    expect((await old.post('/login', { email, password: PASSWORD })).status).toBe(303)
    await old.post('/logout')
    const owner = new Browser()
    expect((await resetPassword(owner, email, 'nueva-clave-44')).status).toBe(303)
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: `x-${i}` })
    expect((await old.post('/login', { email, password: 'adivinanza' })).status).toBe(429)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 16 * MINUTE)
    const before = mailsTo(email, 'new-sign-in').length
    expect((await old.post('/login', { email, password: 'nueva-clave-44' })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(before + 1)
    await owner.post('/logout') // the browser that reset is still the owner's own
    expect((await owner.post('/login', { email, password: 'nueva-clave-44' })).status).toBe(303)
  })

  it("a stranger behind the same IP cannot silence the owner's own browser", async () => {
    const { browser: owner, email } = await signedInUser()
    await owner.post('/logout')
    const shared = { 'CF-Connecting-IP': uniqueIPv4() }
    for (let i = 0; i < 10; i++) await new Browser().post('/password/forgot', { email: uniqueEmail('basura') }, shared)
    await owner.post('/password/forgot', { email }, shared)
    await owner.post('/login/email', { email }, shared)
    await owner.post('/password/forgot', { email }, shared) // her browser's own budget, not the first of a window
    expect(mailsTo(email, 'password-reset')).toHaveLength(2)
    expect(mailsTo(email, 'login-link')).toHaveLength(1)
    // A new browser on that IP gets the first reset of the account's shared window, and then waits.
    await new Browser().post('/password/forgot', { email }, shared)
    expect(mailsTo(email, 'password-reset')).toHaveLength(3)
    await new Browser().post('/password/forgot', { email }, shared)
    expect(mailsTo(email, 'password-reset')).toHaveLength(3)
  })
})
