import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { HOUR, MINUTE } from '../src/clock'
import { outbox } from '../src/db/schema'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, postmark, signedInUser, uniqueEmail } from './helpers'
import { advance, captureMailLog, cronOf, db, everyMinute, REDACTED, restoreAfterEach, rowOf, rowsTo, setClock, UNAVAILABLE } from './helpers/outbox'

restoreAfterEach()

/**
 * Everything D1 holds, as someone who copied the database would read it:
 * every table, every column (but D1's own _cf_ tables, which it does not let
 * a Worker read, and which hold none of ours); one line per row
 * (`table {columns}`), so a test can tell the rows it wrote from those it found.
 */
async function rowsOfD1() {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").all<{ name: string }>()
  expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['users', 'sessions', 'one_time_tokens', 'outbox', 'throttles']))
  const rows = (await env.DB.prepare('SELECT * FROM sqlite_master').all()).results.map((row) => `sqlite_master ${JSON.stringify(row)}`)
  for (const { name } of tables) rows.push(...(await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results.map((row) => `${name} ${JSON.stringify(row)}`))
  return rows
}

describe('a copy of D1 taken during a Postmark outage', () => {
  it('holds no link, token or code in clear; the same links work once the mails arrive', async () => {
    captureMailLog()
    const found = new Set(await rowsOfD1())
    const [forgetful, phoneUser] = [await signedInUser(), await signedInUser()]
    const newcomer = uniqueEmail('nueva')
    postmark.failWhen = () => UNAVAILABLE
    const signup = new Browser()
    await signup.post('/signup', { name: 'Nueva', email: newcomer, password: PASSWORD, password_confirmation: PASSWORD })
    await new Browser().post('/login', { email: newcomer, password: PASSWORD }) // unconfirmed: its confirmation mail again
    await new Browser().post('/password/forgot', { email: forgetful.email })
    const laptop = new Browser()
    await laptop.post('/login/email', { email: phoneUser.email })
    await everyMinute()
    const mailsWaiting = (await Promise.all([newcomer, forgetful.email, phoneUser.email].map(rowsTo))).flat().filter((row) => row.status === 'pending')
    expect(mailsWaiting.map((row) => row.kind).sort()).toEqual(['email-verification', 'email-verification', 'login-link', 'password-reset'])

    const copy = await rowsOfD1()
    const dump = copy.join('\n')
    // Other files' rows share this D1 and hold thousands of hex hashes, where any six digits turn up by chance:
    // the code is looked for in the rows this test wrote or changed (hers among them).
    const written = copy.filter((row) => !found.has(row)).join('\n')
    expect(written).toContain(phoneUser.email)

    postmark.failWhen = null
    advance(5 * MINUTE)
    await everyMinute()
    const verifications = mailsTo(newcomer, 'email-verification')
    const reset = lastMailTo(forgetful.email, 'password-reset')
    const signIn = lastMailTo(phoneUser.email, 'login-link')
    expect(verifications).toHaveLength(2)
    const links = [...verifications.map((mail) => linkIn(mail, '/email/verify/')), linkIn(reset, '/password/reset/'), linkIn(signIn, '/login/email/')]
    const code = signIn.text.match(/\b(\d{6})\b/)![1]!
    const cookies = [signup.cookie('__Host-signup'), laptop.cookie('__Host-login_request'), forgetful.browser.cookie('__Host-session')]
    expect(cookies.every(Boolean)).toBe(true)

    for (const link of links) {
      const token = link.split('/').at(-1)!
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(dump).not.toContain(token)
    }
    expect(written).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`))
    for (const cookie of cookies) expect(dump).not.toContain(cookie)
    for (const path of ['/email/verify/', '/password/reset/', '/login/email/']) expect(dump).not.toContain(path)

    // They were live all along: the code signs the laptop in, the reset link opens its page.
    expect((await laptop.post('/login/code', { code })).status).toBe(303)
    expect((await new Browser().get(links[2]!)).status).toBe(303)
  })
})

describe('rotating SECRET_KEY', () => {
  const rotated = { ...env, SECRET_KEY: 'the-next-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba' }

  it('mails sealed before the rotation are still sent while the old key is SECRET_KEY_PREVIOUS', async () => {
    captureMailLog()
    const { email } = await signedInUser()
    postmark.failNext = UNAVAILABLE
    await new Browser().post('/password/forgot', { email })
    advance(MINUTE)
    await cronOf({ ...rotated, SECRET_KEY_PREVIOUS: env.SECRET_KEY }).everyMinute()
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await new Browser().get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))).status).toBe(303)
  })

  it('with the old key gone, only the mails still waiting are lost: they wait, loudly, and expire with their links', async () => {
    const log = captureMailLog()
    const { email } = await signedInUser()
    setClock(Date.now())
    postmark.failNext = UNAVAILABLE
    await new Browser().post('/password/forgot', { email })
    const [waiting] = await rowsTo(email).then((rows) => rows.filter((row) => row.kind === 'password-reset'))
    const afterRotation = cronOf(rotated)
    advance(MINUTE)
    await afterRotation.everyMinute()
    expect(await rowOf(waiting!.id)).toMatchObject({ status: 'pending', lastError: 'config: sealed with a key that is neither SECRET_KEY nor SECRET_KEY_PREVIOUS' })
    expect(log('mail.config_error').some((alert) => alert.outbox === waiting!.id)).toBe(true)
    advance(HOUR)
    await afterRotation.everyMinute()
    expect(await rowOf(waiting!.id)).toMatchObject({ status: 'expired', textBody: REDACTED })
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)

    // New mails, sealed with the new key, go out as usual.
    await new Browser(undefined, rotated).post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })
})

describe('a sealed body is bound to its row', () => {
  it('copied onto another row (another address) it does not open there, so it is never sent to that address', async () => {
    captureMailLog()
    const [victim, attacker] = [await signedInUser(), await signedInUser()]
    postmark.failWhen = () => UNAVAILABLE
    await new Browser().post('/password/forgot', { email: victim.email })
    await new Browser().post('/password/forgot', { email: attacker.email })
    const [victimRow] = (await rowsTo(victim.email)).filter((row) => row.kind === 'password-reset')
    const [attackerRow] = (await rowsTo(attacker.email)).filter((row) => row.kind === 'password-reset')
    await db.update(outbox).set({ textBody: victimRow!.textBody, htmlBody: victimRow!.htmlBody }).where(eq(outbox.id, attackerRow!.id))

    postmark.failWhen = null
    advance(MINUTE)
    await everyMinute()
    expect(mailsTo(attacker.email, 'password-reset')).toHaveLength(0)
    expect((await rowOf(attackerRow!.id)).lastError).toMatch(/^config: sealed with a key/)
    expect(mailsTo(victim.email, 'password-reset')).toHaveLength(1)
  })

  it('left in place while someone with write access to D1 re-addresses the row to himself, it does not open either', async () => {
    captureMailLog()
    const victim = await signedInUser()
    const attacker = `ladron-${crypto.randomUUID().slice(0, 8)}@example.com`
    postmark.failWhen = () => UNAVAILABLE
    await new Browser().post('/login/email', { email: victim.email })
    const [row] = (await rowsTo(victim.email)).filter((candidate) => candidate.kind === 'login-link')
    await db.update(outbox).set({ recipient: attacker }).where(eq(outbox.id, row!.id))

    postmark.failWhen = null
    advance(MINUTE)
    await everyMinute()
    expect(mailsTo(attacker, 'login-link')).toHaveLength(0) // the live link never reaches him
    expect((await rowOf(row!.id)).lastError).toMatch(/^config: sealed with a key/)
  })
})
