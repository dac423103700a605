import { env } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { clock, DAY, HOUR, MINUTE } from '../src/clock'
import { readConfig } from '../src/config'
import { enqueueMail, enqueueSealedMail, outboxFor } from '../src/mail/outbox'
import { outboxKeyring } from '../src/mail/sealed-bodies'
import { Browser, mailsTo, postmark, signedInUser, uniqueEmail } from './helpers'
import { advance, captureMailLog, cronOf, db, everyMinute, REDACTED, restoreAfterEach, rowOf, rowsTo, sendWhatOtherFilesLeftDue, setClock, UNAVAILABLE } from './helpers/outbox'

restoreAfterEach()

describe('the outbox', () => {
  it('with half the sends failing transiently, every mail still arrives exactly once after the cron runs', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    await sendWhatOtherFilesLeftDue() // so that every other call fails for these people's mails, not for others'
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
      expect(row!.textBody).toBe(REDACTED) // the link is not kept once sent, not even sealed
    }
  })

  it('two senders racing for one row deliver it once', async () => {
    const email = uniqueEmail('carrera')
    const config = readConfig(env)
    const queued = enqueueMail(db, { to: email, subject: 'Prueba', text: 'hola', html: '<p>hola</p>', tag: 'test' }, { stream: 'outbound' })
    await queued.insert
    const box = outboxFor(config, db, postmark.fetch)
    await Promise.all([box.send(queued.id), box.send(queued.id), box.sendDue(), box.send(queued.id)])
    expect(mailsTo(email)).toHaveLength(1)
    const [row] = await rowsTo(email)
    expect(row!.status).toBe('sent')
    expect(row!.attempts).toBe(1)
  })
})

/** A mail without expiry (a notice), queued now; `sealed` as if it carried a code. Returns its row id. */
async function queueNotice(email = uniqueEmail('aviso'), options: { text?: string; sealed?: boolean } = {}) {
  const text = options.text ?? 'Su contraseña fue cambiada.'
  const mail = { to: email, subject: 'Aviso', text, html: `<p>${text}</p>`, tag: 'password-changed' }
  const queued = options.sealed ? await enqueueSealedMail(db, outboxKeyring(readConfig(env)), mail, { stream: 'outbound' }) : enqueueMail(db, mail, { stream: 'outbound' })
  await queued.insert
  return queued.id
}

describe('a mail without a link that keeps failing', () => {
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
    const notice = await queueNotice(email)
    // The app's mails with a link or code also expire; this one tests the give-up path's redaction on its own.
    const secret = await queueNotice(email, { text: 'Su código: 482913', sealed: true })
    postmark.failWhen = () => UNAVAILABLE
    await everyMinute() // the first attempt fails: both stay pending
    expect((await rowsTo(email)).map((row) => row.status)).toEqual(['pending', 'pending'])

    vi.spyOn(clock, 'now').mockReturnValue(start + DAY + MINUTE)
    await everyMinute() // the next failure comes more than a day after the mail was queued
    const rows = await rowsTo(email)
    for (const row of rows) {
      expect(row.status).toBe('failed')
      expect(row.attempts).toBe(2)
      expect(row.lastError).toMatch(/^transient 503: /)
    }
    for (const id of [notice, secret]) expect(failuresLoggedFor(log, id).map((line) => line.permanent)).toEqual([false, true])
    const secretRow = rows.find((row) => row.id === secret)!
    expect(secretRow).toMatchObject({ textBody: REDACTED, htmlBody: '' })

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
    const id = await queueNotice(email)
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

describe('when Postmark has a bad moment', () => {
  it('a mail that keeps failing is retried after 30 s, 1 min, 2 min, … doubling, then hourly, and not a moment sooner', async () => {
    captureMailLog()
    setClock(Date.now())
    const id = await queueNotice()
    postmark.failWhen = () => UNAVAILABLE
    await everyMinute()
    const gaps = [30_000, MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 32 * MINUTE, HOUR, HOUR, HOUR]
    for (const [attempt, gap] of gaps.entries()) {
      const row = await rowOf(id)
      expect(row, `after attempt ${attempt + 1}`).toMatchObject({ status: 'pending', attempts: attempt + 1, nextAttemptAt: clock.now() + gap })
      setClock(row.nextAttemptAt - 1)
      await everyMinute()
      expect((await rowOf(id)).attempts, 'tried before it was due').toBe(attempt + 1)
      setClock(row.nextAttemptAt)
      await everyMinute()
    }
  })

  it('a 429 (too many requests) is a bad moment, not a verdict: the mail waits 30 s and then arrives once', async () => {
    const log = captureMailLog()
    setClock(Date.now())
    const email = uniqueEmail('limite')
    const id = await queueNotice(email)
    postmark.failNext = { status: 429, body: { ErrorCode: 429, Message: 'Rate limit exceeded.' } }
    await everyMinute()
    expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: clock.now() + 30_000, lastError: 'transient 429/429: Rate limit exceeded.' })
    expect(log('mail.failed')).toMatchObject([{ outbox: id, status: 429, permanent: false }])
    expect(log('mail.config_error')).toEqual([])
    advance(30_000)
    await everyMinute()
    expect(mailsTo(email)).toHaveLength(1)
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('a Postmark that does not answer in time leaves the mail waiting, and it arrives on a later run once', async () => {
    const log = captureMailLog()
    setClock(Date.now())
    const email = uniqueEmail('lento')
    const id = await queueNotice(email)
    // What fetch throws when the client's AbortSignal.timeout (10 s) fires.
    const timingOut: typeof fetch = async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    }
    await cronOf(env, timingOut).everyMinute()
    expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: clock.now() + 30_000, lastError: 'transient: The operation was aborted due to timeout' })
    expect(log('mail.failed')).toMatchObject([{ outbox: id, status: null, permanent: false }])
    advance(MINUTE)
    await everyMinute()
    expect(mailsTo(email)).toHaveLength(1)
  })

  it('a sender that dies after claiming a mail holds it for two minutes; then the cron sends it, once', async () => {
    captureMailLog()
    setClock(Date.now())
    const email = uniqueEmail('huerfano')
    const id = await queueNotice(email)
    // A sender whose Postmark call never comes back: the Worker was evicted mid-send.
    let answer: (response: Response) => void = () => {}
    let claimed = false
    const neverAnswers: typeof fetch = () => {
      claimed = true
      return new Promise<Response>((resolve) => (answer = resolve))
    }
    const dying = outboxFor(readConfig(env), db, neverAnswers).send(id)
    await vi.waitFor(() => expect(claimed).toBe(true))
    expect(await rowOf(id)).toMatchObject({ status: 'sending', attempts: 1, claimedUntil: clock.now() + 2 * MINUTE })

    advance(2 * MINUTE - 1)
    await everyMinute()
    expect(mailsTo(email), 'taken from a sender still within its lease').toHaveLength(0)
    advance(1)
    await everyMinute()
    expect(mailsTo(email)).toHaveLength(1)
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2, claimedUntil: null })

    // Should the first sender wake up after all, with a failure, it changes nothing.
    answer(Response.json(UNAVAILABLE.body, { status: 503 }))
    await dying
    expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2 })
    advance(HOUR)
    await everyMinute()
    expect(mailsTo(email)).toHaveLength(1)
  })

  it('after an outage the cron sends at most 50 mails a run, oldest first, and the rest on the next runs', async () => {
    captureMailLog()
    setClock(Date.now())
    await sendWhatOtherFilesLeftDue() // oldest first: else they would be among the 50
    const emails = Array.from({ length: 60 }, () => uniqueEmail('cola'))
    for (const email of emails) {
      await queueNotice(email)
      advance(1)
    }
    const before = postmark.calls
    await everyMinute()
    expect(postmark.calls - before).toBe(50)
    expect(emails.slice(0, 50).every((email) => mailsTo(email).length === 1)).toBe(true)
    await everyMinute()
    expect(emails.every((email) => mailsTo(email).length === 1)).toBe(true)
  })
})
