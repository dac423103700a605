import { createScheduledController, env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, DAY, HOUR, MINUTE } from '../src/clock'
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
    for (const { email } of people) expect((await new Browser().post('/password/forgot', { email })).status).toBe(200)
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
    expect((await new Browser().post('/password/forgot', { email })).status).toBe(200)
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
    expect((await new Browser().post('/password/forgot', { email })).status).toBe(200)
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
    expect((await new Browser().post('/password/forgot', { email })).status).toBe(200)
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
  })

})

describe('a mail without a link that keeps failing', () => {
  /** Queues a mail with no expiry at the current (mocked) time; returns its row id. */
  async function queueNotice(email: string, body: { text: string; html: string }, holdsSecret: boolean) {
    const queued = enqueueMail(db, { to: email, subject: 'Aviso', ...body, tag: 'password-changed' }, { stream: 'outbound', holdsSecret })
    await queued.insert
    return queued.id
  }

  /** The mail.failed log lines about one outbox row. */
  function failuresLoggedFor(log: { mock: { calls: unknown[][] } }, id: string) {
    return log.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('"event":"mail.failed"'))
      .map((line) => JSON.parse(line) as { outbox: string; permanent: boolean })
      .filter((line) => line.outbox === id)
  }

  it('gives up once a day has passed: marked failed, said so in the logs, a secret body redacted, and never sent afterwards', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const start = Date.now()
    vi.spyOn(clock, 'now').mockReturnValue(start)
    const email = uniqueEmail('aviso')
    const notice = await queueNotice(email, { text: 'Su contraseña fue cambiada.', html: '<p>Su contraseña fue cambiada.</p>' }, false)
    // The app's mails with a link or code also expire; this one tests the give-up path's redaction on its own.
    const secret = await queueNotice(email, { text: 'Su código: 482913', html: '<p>482913</p>' }, true)
    postmark.failWhen = () => UNAVAILABLE
    await everyMinute() // the first attempt fails: both stay pending
    expect((await rowsTo(email)).map((row) => row.status)).toEqual(['pending', 'pending'])

    vi.spyOn(clock, 'now').mockReturnValue(start + DAY + MINUTE)
    await everyMinute() // the next failure comes more than a day after the mail was queued
    const rows = await rowsTo(email)
    for (const row of rows) {
      expect(row.status).toBe('failed')
      expect(row.attempts).toBe(2)
      expect(row.lastError).toMatch(/^503: /)
    }
    for (const id of [notice, secret]) expect(failuresLoggedFor(log, id).map((line) => line.permanent)).toEqual([false, true])
    const secretRow = rows.find((row) => row.id === secret)!
    expect(secretRow.textBody).not.toContain('482913')
    expect(secretRow.htmlBody).not.toContain('482913')

    // Postmark works again, and the cron keeps running: neither is sent.
    postmark.failWhen = null
    vi.spyOn(clock, 'now').mockReturnValue(start + DAY + 3 * HOUR)
    await everyMinute()
    await everyMinute()
    expect(mailsTo(email)).toHaveLength(0)
    expect((await rowsTo(email)).map((row) => [row.status, row.attempts])).toEqual([['failed', 2], ['failed', 2]])
  })

  it('just before a day has passed it is still retried, and arrives once Postmark answers', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const start = Date.now()
    vi.spyOn(clock, 'now').mockReturnValue(start)
    const email = uniqueEmail('aviso')
    const id = await queueNotice(email, { text: 'Su contraseña fue cambiada.', html: '<p>Su contraseña fue cambiada.</p>' }, false)
    postmark.failWhen = () => UNAVAILABLE
    await everyMinute()

    vi.spyOn(clock, 'now').mockReturnValue(start + DAY - MINUTE)
    await everyMinute()
    const [row] = await rowsTo(email)
    expect(row!.status).toBe('pending')
    expect(row!.attempts).toBe(2)
    expect(failuresLoggedFor(log, id).map((line) => line.permanent)).toEqual([false, false])

    postmark.failWhen = null
    vi.spyOn(clock, 'now').mockReturnValue(start + DAY + MINUTE) // past the next retry (1 minute later)
    await everyMinute()
    expect(mailsTo(email, 'password-changed')).toHaveLength(1)
    const [sent] = await rowsTo(email)
    expect(sent!.status).toBe('sent')
    expect(sent!.attempts).toBe(3)
  })
})
