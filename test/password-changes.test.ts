import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { signIn } from '../src/auth/authentication'
import { hashPassword } from '../src/auth/passwords'
import { sessions, users } from '../src/db/schema'
import { Browser, codeIn, db, testHashing, lastMailTo, linkIn, PASSWORD, requestReset, resetPassword, signedInUser, userRow, visibleText } from './helpers'

// What a password change ends: links and codes mailed before it, and
// sign-ins checked against the password it replaced.

describe('links do not outlive a password change', () => {
  it('a sign-in link mailed before a change on the profile is dead after it; a reset link mailed before it still opens, since a reset is what evicts whoever changed it', async () => {
    const { browser, email } = await signedInUser()
    await new Browser().post('/login/email', { email })
    await new Browser().post('/password/forgot', { email })
    const signInLink = linkIn(lastMailTo(email, 'login-link'), '/login/email/')
    const resetLink = linkIn(lastMailTo(email, 'password-reset'), '/password/reset/')
    expect((await browser.post('/profile', { name: 'Ana', password: 'otra-clave-31', password_confirmation: 'otra-clave-31' })).status).toBe(303)
    const late = await new Browser().post(signInLink)
    expect(late.status).toBe(400)
    expect(visibleText(late.text)).toContain('Este enlace ya no es válido')
    expect((await new Browser().get(resetLink)).status).toBe(303)
  })

  it('a reset spends a sign-in link and code mailed before it', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    await asking.post('/login/email', { email })
    const mail = lastMailTo(email, 'login-link')
    const resetting = new Browser()
    expect((await resetPassword(resetting, email, 'otra-clave-31')).status).toBe(303)
    expect((await new Browser().post(linkIn(mail, '/login/email/'))).status).toBe(400)
    const code = await asking.post('/login/code', { code: codeIn(mail) })
    expect(code.status).toBe(422)
    expect(asking.cookie('__Host-session')).toBeUndefined()
  })
})

describe('a sign-in racing a reset', () => {
  it('a sign-in whose password was replaced after it was checked starts no session', async () => {
    const { email } = await signedInUser()
    const checked = await userRow(email) // what authenticate read and verified
    await db.update(users).set({ passwordHash: await hashPassword('nueva-clave-12', testHashing()) }).where(eq(users.id, checked.id))
    const who = { client: { ip: null, userAgent: null, city: null, country: null }, deviceHash: 'x'.repeat(64), method: 'password' as const, secondStepDone: false, replaces: null, resetLinkHere: null, newDeviceNotice: { mail: { subject: 's', text: 't', html: 'h', tag: 'new-sign-in' }, stream: 'outbound' } }
    const before = await db.select().from(sessions).where(eq(sessions.userId, checked.id))
    expect(await signIn(db, checked, { attemptKey: 'login:carrera', failedSignInKey: 'sign-in:failed:ip:carrera', upgradedHash: 'pbkdf2-sha256$1$0$AA$AA' }, who)).toBeNull()
    expect(await db.select().from(sessions).where(eq(sessions.userId, checked.id))).toHaveLength(before.length)
    expect((await userRow(email)).passwordHash).not.toBe('pbkdf2-sha256$1$0$AA$AA') // the stale rehash wrote nothing either
  })

  it('12 sign-ins with the old password fired while the owner resets: none survives the reset', async () => {
    const { email } = await signedInUser()
    const owner = new Browser()
    await owner.get(await requestReset(email, owner))
    const racers = Array.from({ length: 12 }, () => new Browser())
    const [reset, ...signIns] = await Promise.all([
      owner.post('/password/reset', { password: 'nueva-clave-12', password_confirmation: 'nueva-clave-12' }),
      ...racers.map((racer) => racer.post('/login', { email, password: PASSWORD })),
    ])
    expect(reset!.status).toBe(303)
    // 303 (signed in before the reset, then revoked by it), 401 (checked the old hash too late) or 429 (over the attempt limit).
    for (const answer of signIns) expect([303, 401, 429]).toContain(answer.status)
    for (const racer of racers) expect((await racer.get('/profile')).status).toBe(303) // back to /login
    const user = await userRow(email)
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1) // the owner's
    expect((await owner.get('/profile')).status).toBe(200)
  })
})
