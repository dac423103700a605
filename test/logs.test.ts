import { env } from 'cloudflare:test'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readConfig } from '../src/config'
import { describeError } from '../src/log'
import { enqueueMail, outboxFor } from '../src/mail/outbox'
import { Browser, d1Session, db, postmark, uniqueEmail } from './helpers'

// Logs go to `wrangler tail` and log search, where anyone on the team reads
// them: never a token (three paths hold one), never an address, never a
// driver's message (drizzle's carries the query's bound parameters).

afterEach(() => vi.restoreAllMocks())

const TOKEN = 'Zk9x_Q2mVb7Lr4Tn8Yc1Wd6Hs3Jf5Kp0Ae-Gu2Io7Xy' // 43 characters, like a real one

/** Every D1 statement fails from now on — on the binding and in a request's D1 session — the way a real query error does (SQLITE_ERROR, wrapped by drizzle). */
function breakD1() {
  const prepare = env.DB.prepare.bind(env.DB)
  vi.spyOn(env.DB, 'prepare').mockImplementation((query: string) => prepare(`${query} AND no_such_column = 1`))
  const prepareInSession = d1Session.prepare
  vi.spyOn(d1Session, 'prepare').mockImplementation(function (this: D1DatabaseSession, query: string) {
    return prepareInSession.call(this, `${query} AND no_such_column = 1`)
  })
}

function captureErrors() {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
  return (event: string) => spy.mock.calls.map(([line]) => String(line)).filter((line) => line.includes(`"event":"${event}"`))
}

describe('a failing request is logged by route pattern and error name', () => {
  it.each([
    ['GET', `/login/email/${TOKEN}`, '/login/email/:token'],
    ['POST', `/login/email/${TOKEN}`, '/login/email/:token'],
    ['POST', `/email/verify/${TOKEN}`, '/email/verify/:token'],
  ])('%s %s: the log names %s and holds no token', async (method, path, pattern) => {
    const logged = captureErrors()
    breakD1()
    const browser = new Browser()
    const page = method === 'GET' ? await browser.get(path) : await browser.post(path)
    expect(page.status).toBe(500)
    const [line] = logged('request.error')
    expect(JSON.parse(line!)).toMatchObject({ event: 'request.error', route: pattern })
    expect(line).not.toContain(TOKEN)
    expect(line).not.toContain(TOKEN.slice(0, 12))
  })

  it('a D1 error is logged by name and code, never its message or the parameters in it', async () => {
    const logged = captureErrors()
    const email = uniqueEmail('secreta')
    breakD1()
    const page = await new Browser().post('/login', { email, password: 'clave-segura-1' })
    expect(page.status).toBe(500)
    const [line] = logged('request.error')
    expect(JSON.parse(line!)).toMatchObject({ route: '/login', requestId: expect.any(String) })
    expect(line).toContain('"code":"D1_ERROR SQLITE_ERROR"')
    for (const secret of [email, 'Failed query', 'params', 'no_such_column', 'select']) expect(line).not.toContain(secret)
  })

  it("drizzle's query error (its message holds the bound values) is named, and its D1 cause coded", async () => {
    const email = uniqueEmail('secreta')
    const error = await db.run(sql`SELECT id FROM users WHERE email = ${email} AND no_such_column = 1`).catch((caught: unknown) => caught)
    expect(String((error as Error).message)).toContain(email) // what must not reach a log
    const summary = describeError(error)
    expect(summary).toMatchObject({ name: 'DrizzleQueryError', cause: { name: 'Error', code: 'D1_ERROR SQLITE_ERROR' } })
    expect(JSON.stringify(summary)).not.toContain(email)
  })
})

describe('the outbox logs', () => {
  it('an exception while sending: its name, not its message', async () => {
    const logged = captureErrors()
    const email = uniqueEmail('buzon')
    const queued = enqueueMail(db, { to: email, subject: 'Aviso', text: 'hola', html: '<p>hola</p>', tag: 'password-changed' }, { stream: 'outbound' })
    await queued.insert
    breakD1()
    await outboxFor(readConfig(env), db, postmark.fetch).send(queued.id)
    const [line] = logged('mail.error')
    expect(JSON.parse(line!)).toMatchObject({ event: 'mail.error', outbox: queued.id, error: { name: 'DrizzleQueryError' } })
    for (const secret of [email, 'Failed query', 'params', 'no_such_column']) expect(line).not.toContain(secret)
  })

  it("Postmark's verdict: kept, without the address it quotes", async () => {
    const logged = captureErrors()
    const email = uniqueEmail('inactiva')
    const queued = enqueueMail(db, { to: email, subject: 'Aviso', text: 'hola', html: '<p>hola</p>', tag: 'password-changed' }, { stream: 'outbound' })
    await queued.insert
    const verdict = `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${email}. Inactive recipients are ones that have generated a hard bounce or a spam complaint.`
    postmark.failNext = { status: 422, body: { ErrorCode: 406, Message: verdict } }
    await outboxFor(readConfig(env), db, postmark.fetch).send(queued.id)
    const [line] = logged('mail.failed')
    expect(JSON.parse(line!)).toMatchObject({ errorCode: 406, permanent: true })
    expect(line).toContain('Found inactive addresses: [dirección]')
    expect(line).not.toContain(email)
  })
})
