import { createScheduledController, env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, HOUR, MINUTE } from '../src/clock'
import { readConfig } from '../src/config'
import { openDatabase } from '../src/db/client'
import { oneTimeTokens, outbox, users } from '../src/db/schema'
import { createWorker } from '../src/index'
import { enqueueMail, outboxFor } from '../src/mail/outbox'
import { Browser, mailsTo, postmark, signedInUser, uniqueEmail } from './helpers'

const db = openDatabase(env.DB)
const worker = createWorker({ fetch: postmark.fetch })
const everyMinute = () => worker.scheduled(createScheduledController({ cron: '* * * * *' }), env)
const UNAVAILABLE = { status: 503, body: { ErrorCode: 0, Message: 'Service unavailable' } }

afterEach(() => {
  vi.restoreAllMocks()
  postmark.failWhen = null
  postmark.failNext = null
})

async function rowsTo(email: string) {
  return db.select().from(outbox).where(eq(outbox.recipient, email))
}

/** Moves the clock on by `ms` from wherever it is now (mocked or not). */
function advance(ms: number) {
  const now = clock.now()
  vi.spyOn(clock, 'now').mockReturnValue(now + ms)
}

describe('the outbox', () => {
  it('with half the sends failing transiently, every mail still arrives exactly once after the cron runs', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const people = await Promise.all(Array.from({ length: 6 }, () => signedInUser()))
    postmark.failWhen = (call) => (call % 2 === 0 ? UNAVAILABLE : null)
    for (const { email } of people) await new Browser().post('/password/forgot', { email })
    const pendingAfterRequests = (await Promise.all(people.map(({ email }) => rowsTo(email)))).flat().filter((row) => row.status === 'pending')
    expect(pendingAfterRequests.length).toBeGreaterThan(0)
    for (let round = 0; round < 6; round++) {
      advance(2 * MINUTE) // past the backoff (30 s, 1 min, 2 min, …), within the link's hour
      await everyMinute()
    }
    for (const { email } of people) {
      expect(mailsTo(email, 'password-reset'), email).toHaveLength(1)
      const [row] = (await rowsTo(email)).filter((r) => r.kind === 'password-reset')
      expect(row!.status).toBe('sent')
      expect(row!.messageId).toBeTruthy()
      expect(row!.textBody).not.toContain('/password/reset/') // the link is not kept once sent
    }
  })

  it('a 406 (inactive recipient) is not retried, and is recorded with its ErrorCode', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { email } = await signedInUser()
    postmark.failNext = { status: 422, body: { ErrorCode: 406, Message: 'You tried to send to a recipient that has been marked as inactive.' } }
    await new Browser().post('/password/forgot', { email })
    advance(10 * MINUTE)
    await everyMinute()
    await everyMinute()
    const [row] = (await rowsTo(email)).filter((r) => r.kind === 'password-reset')
    expect(row!.status).toBe('failed')
    expect(row!.attempts).toBe(1)
    expect(row!.lastError).toMatch(/^406 /)
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
    expect(log.mock.calls.some(([line]) => /"event":"mail.failed".*"errorCode":406.*"permanent":true/.test(String(line)))).toBe(true)
  })

  it('a reset mail whose link has expired is not sent late: it is marked expired', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { email } = await signedInUser()
    postmark.failNext = 'network'
    await new Browser().post('/password/forgot', { email })
    advance(HOUR + MINUTE)
    await everyMinute()
    const [row] = (await rowsTo(email)).filter((r) => r.kind === 'password-reset')
    expect(row!.status).toBe('expired')
    expect(row!.textBody).not.toContain('/password/reset/')
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
  })

  it('two senders racing for one row deliver it once', async () => {
    const email = uniqueEmail('carrera')
    const config = readConfig(env)
    const queued = enqueueMail(db, { to: email, subject: 'Prueba', text: 'hola', html: '<p>hola</p>', tag: 'test' }, { stream: 'outbound', holdsSecret: false })
    await queued.insert
    const box = outboxFor(config, db, postmark.fetch)
    await Promise.all([box.send(queued.id), box.send(queued.id), box.sendDue(), box.send(queued.id)])
    expect(mailsTo(email)).toHaveLength(1)
    const [row] = await rowsTo(email)
    expect(row!.status).toBe('sent')
    expect(row!.attempts).toBe(1)
  })

  it('a token and its mail are written together or not at all', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { email } = await signedInUser()
    // Make the outbox refuse reset mails, as if its write failed.
    await env.DB.exec("CREATE TRIGGER refuse_reset_mail BEFORE INSERT ON outbox WHEN NEW.kind = 'password-reset' BEGIN SELECT RAISE(ABORT, 'outbox down'); END")
    try {
      const page = await new Browser().post('/password/forgot', { email })
      expect(page.status).toBe(200) // the person's answer never depends on it
    } finally {
      await env.DB.exec('DROP TRIGGER refuse_reset_mail')
    }
    const [user] = await db.select().from(users).where(eq(users.email, email))
    const tokens = await db.select().from(oneTimeTokens).where(and(eq(oneTimeTokens.userId, user!.id), eq(oneTimeTokens.purpose, 'password_reset')))
    expect(tokens).toHaveLength(0) // no orphan link without its mail
    // And when the outbox works again, the next request writes both.
    await new Browser().post('/password/forgot', { email })
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

  it('a mail without a link that keeps failing gives up after a day and says so', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const email = uniqueEmail('aviso')
    const queued = enqueueMail(db, { to: email, subject: 'Aviso', text: 'hola', html: '<p>hola</p>', tag: 'password-changed' }, { stream: 'outbound', holdsSecret: false })
    await queued.insert
    postmark.failWhen = () => UNAVAILABLE
    for (let round = 0; round < 30; round++) {
      advance(HOUR)
      await everyMinute()
    }
    const [row] = await rowsTo(email)
    expect(row!.status).toBe('failed')
    expect(row!.attempts).toBeGreaterThan(5)
    expect(log.mock.calls.some(([line]) => String(line).includes('"permanent":true'))).toBe(true)
  })
})
