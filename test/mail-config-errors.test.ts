import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import type { OutboxRow } from '../src/db/schema'
import packageJson from '../package.json'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, postmark, signedInUser, uniqueEmail } from './helpers'
import { BAD_TOKEN, captureMailLog, cronOf, everyMinute, REDACTED, restoreAfterEach, rowsTo, setClock, UNAVAILABLE, type LogLine } from './helpers/outbox'

restoreAfterEach()

describe('a rotated or mistyped Postmark token, fixed ten minutes later', () => {
  it('every mail queued in between arrives exactly once, while its link still works', async () => {
    const log = captureMailLog()
    const people = await Promise.all(Array.from({ length: 8 }, () => signedInUser()))
    const start = clock.now()
    setClock(start)
    postmark.failWhen = () => (clock.now() < start + 10 * MINUTE ? BAD_TOKEN : null)
    const [reset1, reset2, link1, link2, link3, exists, changer, newDevice] = people
    const newcomers = [uniqueEmail('nueva'), uniqueEmail('nueva')]
    // One mail-causing step a minute, every kind of mail; the first sign-in
    // link (15 minutes) is queued first, so it must outlive most of the outage.
    const steps = [
      () => new Browser().post('/login/email', { email: link1.email }),
      () => new Browser().post('/password/forgot', { email: reset1.email }),
      () => new Browser().post('/signup', { name: 'Nueva', email: newcomers[0]!, password: PASSWORD, password_confirmation: PASSWORD }),
      () => new Browser().post('/signup', { name: 'Otra', email: exists.email, password: PASSWORD, password_confirmation: PASSWORD }),
      () => changer.browser.post('/profile', { name: changer.name, current_password: PASSWORD, password: 'otra-clave-segura-2', password_confirmation: 'otra-clave-segura-2' }),
      () => new Browser().post('/login', { email: newDevice.email, password: PASSWORD }),
      () => new Browser().post('/login/email', { email: link2.email }),
      () => new Browser().post('/password/forgot', { email: reset2.email }),
      () => new Browser().post('/signup', { name: 'Nueva', email: newcomers[1]!, password: PASSWORD, password_confirmation: PASSWORD }),
      () => new Browser().post('/login/email', { email: link3.email }),
    ]
    for (const step of steps) {
      expect((await step()).status).toBeLessThan(400)
      await everyMinute()
      setClock(clock.now() + MINUTE)
    }
    const queued = (await Promise.all([...people.map((p) => p.email), ...newcomers].map(rowsTo))).flat().filter((row) => row.createdAt >= start)
    expect(queued.map((row) => row.kind).sort()).toEqual(
      ['account-exists', 'email-verification', 'email-verification', 'login-link', 'login-link', 'login-link', 'new-sign-in', 'password-changed', 'password-reset', 'password-reset'],
    )
    expect(queued.every((row) => row.status === 'pending' && row.lastError?.startsWith('config 401/10: '))).toBe(true)

    // Postmark takes the token again; the cron keeps its minutely beat.
    for (let minute = 10; minute <= 40; minute++) {
      await everyMinute()
      setClock(clock.now() + MINUTE)
    }
    const after = (await Promise.all([...people.map((p) => p.email), ...newcomers].map(rowsTo))).flat().filter((row) => row.createdAt >= start)
    for (const row of after) {
      expect(row.status, row.kind).toBe('sent')
      expect(mailsTo(row.recipient, row.kind), `${row.kind} to ${row.recipient}`).toHaveLength(1)
      if (row.expiresAt !== null) expect(row.sentAt!, `${row.kind} arrived after its link died`).toBeLessThan(row.expiresAt)
    }
    // The operator was told, in lines that name the cause and nobody's address.
    // (Storage is shared with other files: the lines about these mails are read, by their ids.)
    const ours = (line: LogLine) => queued.some((row) => row.id === line.outbox)
    const alerts = log('mail.config_error').filter(ours)
    expect(alerts.length).toBeGreaterThanOrEqual(queued.length)
    for (const alert of alerts) expect(alert).toMatchObject({ status: 401, errorCode: 10 })
    for (const alert of log('mail.config_error')) expect(alert.line).not.toContain('@')
    expect(log('mail.failed').filter(ours)).toEqual([])
  })
})

describe('what Postmark says about our setup, and what it says about one mail', () => {
  // Postmark's own words, some naming an address (ours, or the recipient's).
  const configurationProblems = [
    ['a bad or missing server token', 401, 10, 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid.'],
    ['a sender signature that does not exist', 422, 400, "The 'From' address you supplied (no-responder@ecuabots.com) is not a Sender Signature on your account."],
    ['a sender signature not confirmed yet', 422, 401, 'Sender signature not confirmed: no-responder@ecuabots.com'],
    ['an account not allowed to send (out of credits)', 422, 405, 'Not allowed to send: you have run out of credits.'],
    ['an account pending approval', 422, 412, 'Account is pending approval: recipients must share the domain of the sender.'],
    ['an ErrorCode this code has never heard of', 422, 9999, 'Something new happened.'],
    ['a wrong POSTMARK_API_URL', 404, 0, 'Not Found'],
  ] as const

  it.each(configurationProblems)('%s: the mail waits, is retried on the usual schedule, and the logs say mail.config_error', async (_, status, code, message) => {
    const log = captureMailLog()
    const { email } = await signedInUser()
    setClock(clock.now())
    postmark.failNext = { status, body: { ErrorCode: code, Message: message } }
    await new Browser().post('/password/forgot', { email })
    const [row] = await resetRows(email)
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: row!.createdAt + 30_000 })
    expect(row!.lastError).toBe(`config ${status}${code ? `/${code}` : ''}: ${message.replace('no-responder@ecuabots.com', '[dirección]')}`)
    const [alert, ...more] = log('mail.config_error')
    expect(more).toEqual([])
    expect(alert).toMatchObject({ event: 'mail.config_error', outbox: row!.id, tag: 'password-reset', status, errorCode: code || null, permanent: false })
    expect(alert!.line).not.toContain('@')
    expect(log('mail.failed')).toEqual([])

    // Once the operator fixes it, the next run sends it.
    setClock(clock.now() + 30_000)
    await everyMinute()
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await resetRows(email))[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
  })

  const refusals = [
    ['an inactive recipient (406)', 406, 'You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: {to}.'],
    ["an invalid request for this message (300), e.g. a To address Postmark will not take", 300, "Error parsing 'To': Illegal email address '{to}'."],
  ] as const

  it.each(refusals)('%s: marked failed at once, never retried, its link redacted, and no address kept', async (_, code, message) => {
    const log = captureMailLog()
    const { email } = await signedInUser()
    postmark.failNext = { status: 422, body: { ErrorCode: code, Message: message.replace('{to}', email) } }
    await new Browser().post('/password/forgot', { email })
    setClock(clock.now() + 10 * MINUTE)
    await everyMinute()
    const [row] = await resetRows(email)
    expect(row).toMatchObject({ status: 'failed', attempts: 1, textBody: REDACTED, htmlBody: '' })
    expect(row!.lastError).toMatch(new RegExp(`^refused 422/${code}: `))
    expect(row!.lastError).not.toContain(email)
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
    // Other files' mails due in the same run are sent, not failed; this one's line is read by its id.
    const failed = log('mail.failed').filter((line) => line.outbox === row!.id)
    expect(failed).toMatchObject([{ errorCode: code, status: 422, permanent: true }])
    expect(failed[0]!.line).not.toContain(email)
    expect(log('mail.config_error').filter((line) => line.outbox === row!.id)).toEqual([])
  })
})

describe('npm run mail:status', () => {
  it('shows mails waiting on a configuration problem apart from mails their recipient refused', async () => {
    captureMailLog()
    const [waiting, refused] = [await signedInUser(), await signedInUser()]
    postmark.failNext = BAD_TOKEN
    await new Browser().post('/password/forgot', { email: waiting.email })
    postmark.failNext = { status: 422, body: { ErrorCode: 406, Message: 'Inactive recipient.' } }
    await new Browser().post('/password/forgot', { email: refused.email })
    const command = packageJson.scripts['mail:status'].match(/--command "(.*)"$/)![1]!
    const { results } = await env.DB.prepare(command).all<{ status: string; problem: string; mails: number; last_errors: string | null }>()
    // Other files leave mails in the outbox (storage is shared), some of them expired while waiting on a configuration problem.
    const config = results.find((row) => row.problem === 'config' && row.status === 'pending')!
    expect(config).toMatchObject({ status: 'pending' })
    expect(config.last_errors).toContain('password-reset (1 intentos): config 401/10: ')
    const recipient = results.find((row) => row.problem === 'refused')!
    expect(recipient).toMatchObject({ status: 'failed' })
    expect(recipient.last_errors).toContain('refused 422/406: Inactive recipient.')
    // What the operator must fix comes first.
    expect(results.findIndex((row) => row.problem !== 'config')).toBeGreaterThan(results.indexOf(config))
    expect(results.slice(0, results.indexOf(config)).every((row) => row.problem === 'config')).toBe(true)
  })
})

describe('SECRET_KEY missing in production', () => {
  const production = { ...env, SECRET_KEY: undefined }

  it('is a loud error at the first mail; the mail waits, unsent, and goes out once the key is set', async () => {
    const log = captureMailLog()
    const { email } = await signedInUser()
    expect((await new Browser(undefined, production).post('/password/forgot', { email })).status).toBe(200)
    await cronOf(production).everyMinute()
    setClock(clock.now() + 10 * MINUTE)
    await cronOf(production).everyMinute()
    const [waiting] = await resetRows(email)
    expect(waiting).toMatchObject({ status: 'pending', attempts: 2 })
    expect(waiting!.lastError).toBe('config: SECRET_KEY is not set: a mail with a link or code waits until it is')
    expect(mailsTo(email, 'password-reset')).toHaveLength(0)
    const alerts = log('mail.config_error').filter((alert) => alert.outbox === waiting!.id)
    expect(alerts.map((alert) => alert.message)).toEqual(Array(3).fill(waiting!.lastError!.slice('config: '.length))) // when written, and at each attempt

    // The key is set (a new deploy) while Postmark is down: the waiting body is sealed now.
    postmark.failWhen = () => UNAVAILABLE
    setClock(clock.now() + 10 * MINUTE)
    await everyMinute()
    const [sealed] = await resetRows(email)
    expect(sealed!.textBody).toMatch(/^sealed:v1:/)
    postmark.failWhen = null
    setClock(clock.now() + 10 * MINUTE)
    await everyMinute()
    expect(mailsTo(email, 'password-reset')).toHaveLength(1)
    expect((await new Browser().get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))).status).toBe(303)
  })
})

async function resetRows(email: string): Promise<OutboxRow[]> {
  return (await rowsTo(email)).filter((row) => row.kind === 'password-reset')
}
