import { createScheduledController, env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { createEventSender, type AccountEventMessage } from '../src/auth/account-events'
import { clock, MINUTE } from '../src/clock'
import { accountEvents } from '../src/db/schema'
import { createWorker } from '../src/index'
import { Browser, db, lastMailTo, linkIn, ORIGIN, PASSWORD, postmark, resetPassword, uniqueEmail, userRow } from './helpers'

// "Tell the apps" (issue 22): a password change, closed sessions and a
// deleted account reach the ACCOUNT_EVENTS queue once each, with the
// account id and the time and nothing else; written in the change's own
// batch, sent after the response, re-sent by the minutely cron when the
// queue refused them.

/** A stand-in for the Queue producer binding: records what it is sent; `failures` sends throw first. */
function fakeQueue() {
  const queue = {
    sent: [] as AccountEventMessage[],
    failures: 0,
    async send(body: AccountEventMessage) {
      if (queue.failures > 0) {
        queue.failures--
        throw new Error('Queue send failed: service unavailable')
      }
      queue.sent.push(structuredClone(body))
    },
  }
  return queue
}

/** A person signed up and confirmed in a browser whose Worker sends events to `queue`. */
async function personWith(queue: ReturnType<typeof fakeQueue>) {
  const bindings = { ...env, ACCOUNT_EVENTS: queue as unknown as Queue }
  const email = uniqueEmail()
  const browser = new Browser(ORIGIN, bindings)
  await browser.post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD })
  expect((await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).status).toBe(303)
  const user = await userRow(email)
  return { email, browser, bindings, user }
}

/** The types of what the queue was sent for one account (the cron also sends what other files' tests left due). */
const typesOf = (queue: ReturnType<typeof fakeQueue>, accountId?: string) =>
  queue.sent
    .filter((m) => !accountId || m.accountId === accountId)
    .map((m) => m.type)
    .sort()
const rowsOf = (accountId: string) => db.select().from(accountEvents).where(eq(accountEvents.accountId, accountId))
const NEW_PASSWORD = 'otra-clave-segura-2'

describe('telling the apps', () => {
  it('«No fui yo» on a change never confirmed tells the apps no address changed: session.revoked only', async () => {
    const queue = fakeQueue()
    const { email, browser, bindings, user } = await personWith(queue)
    expect((await browser.post('/profile/email', { email: uniqueEmail('pendiente') })).status).toBe(200)
    const inOldMailbox = new Browser(ORIGIN, bindings)
    expect((await inOldMailbox.post(linkIn(lastMailTo(email, 'email-change-requested'), '/email/undo/'))).status).toBe(200)
    expect(typesOf(queue, user.id)).toEqual(['session.revoked'])
  })

  it('confirming an address change sends account.email_changed; «No fui yo» sends it again and session.revoked for the sessions it ended', async () => {
    const queue = fakeQueue()
    const { email, browser, bindings, user } = await personWith(queue)
    const newEmail = uniqueEmail('nueva')
    expect((await browser.post('/profile/email', { email: newEmail })).status).toBe(200)
    const inNewMailbox = new Browser(ORIGIN, bindings)
    expect((await inNewMailbox.post(linkIn(lastMailTo(newEmail, 'email-change-confirm'), '/email/change/'))).status).toBe(200)
    expect(typesOf(queue)).toEqual(['account.email_changed'])
    const inOldMailbox = new Browser(ORIGIN, bindings)
    expect((await inOldMailbox.post(linkIn(lastMailTo(email, 'email-change-changed'), '/email/undo/'))).status).toBe(200)
    expect(typesOf(queue)).toEqual(['account.email_changed', 'account.email_changed', 'session.revoked'])
    expect(queue.sent.every((message) => message.accountId === user.id)).toBe(true)
  })

  it('a password change on the profile sends account.password_changed and session.revoked once each, with the account id, the time and nothing else', async () => {
    const queue = fakeQueue()
    const { email, browser, user } = await personWith(queue)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    const before = Date.now()
    expect((await browser.post('/profile', { name: 'Ana Pérez', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(303)
    expect(typesOf(queue)).toEqual(['account.password_changed', 'session.revoked'])
    for (const message of queue.sent) {
      expect(Object.keys(message).sort()).toEqual(['accountId', 'at', 'id', 'type'])
      expect(message.accountId).toBe(user.id)
      expect(message.at).toBeGreaterThanOrEqual(before)
    }
    expect((await rowsOf(user.id)).map((row) => row.status)).toEqual(['sent', 'sent'])
  })

  it('a password change with no other session open sends account.password_changed only', async () => {
    const queue = fakeQueue()
    const { browser } = await personWith(queue)
    expect((await browser.post('/profile', { name: 'Ana Pérez', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })).status).toBe(303)
    expect(typesOf(queue)).toEqual(['account.password_changed'])
  })

  it('closing one session, and closing all the others, each send one session.revoked', async () => {
    const queue = fakeQueue()
    const { email, browser, user } = await personWith(queue)
    for (let i = 0; i < 3; i++) expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    const security = await browser.get('/security')
    // Another device's session: the first "Cerrar sesión" that is not this device's own (listed first, behind a <details>).
    const id = [...security.text.matchAll(/\/profile\/sessions\/([a-z0-9]+)\/revoke/g)].map((match) => match[1])[1]!
    expect((await browser.post(`/profile/sessions/${id}/revoke`)).status).toBe(303)
    expect(typesOf(queue)).toEqual(['session.revoked'])
    expect((await browser.post('/profile/sessions/revoke-others')).status).toBe(303)
    expect(typesOf(queue)).toEqual(['session.revoked', 'session.revoked'])
    expect(queue.sent.every((m) => m.accountId === user.id)).toBe(true)
  })

  it('a reset sends account.password_changed and, when sessions were open, session.revoked', async () => {
    const queue = fakeQueue()
    const { email, bindings, user } = await personWith(queue)
    const reset = await resetPassword(new Browser(ORIGIN, bindings), email, NEW_PASSWORD)
    expect(reset.status).toBe(303)
    expect(typesOf(queue)).toEqual(['account.password_changed', 'session.revoked'])
    expect(queue.sent.every((m) => m.accountId === user.id)).toBe(true)
  })

  it('deleting the account sends account.deleted once', async () => {
    const queue = fakeQueue()
    const { email, browser, user } = await personWith(queue)
    expect((await browser.post('/security/delete', { email })).status).toBe(303)
    expect(queue.sent).toEqual([{ id: expect.any(String), type: 'account.deleted', accountId: user.id, at: expect.any(Number) }])
  })

  it('a change that writes nothing tells nothing: a wrong current password', async () => {
    const queue = fakeQueue()
    const { browser } = await personWith(queue)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const refused = await browser.post('/profile', { name: 'Ana Pérez', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD, current_password: 'no-es-la-clave' })
    expect(refused.status).toBe(422)
    expect(queue.sent).toEqual([])
  })

  it('a queue send that fails is sent again by the minutely cron, once, and then marked sent', async () => {
    const queue = fakeQueue()
    const { email, browser, bindings, user } = await personWith(queue)
    queue.failures = 1
    expect((await browser.post('/security/delete', { email })).status).toBe(303)
    expect(queue.sent).toEqual([])
    const [waiting] = await rowsOf(user.id)
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 })
    const worker = createWorker({ fetch: postmark.fetch })
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + MINUTE)
    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), bindings)
    expect(typesOf(queue, user.id)).toEqual(['account.deleted'])
    expect((await rowsOf(user.id))[0]).toMatchObject({ status: 'sent', attempts: 2 })
    await worker.scheduled(createScheduledController({ cron: '* * * * *' }), bindings)
    expect(typesOf(queue, user.id)).toHaveLength(1)
  })

  it('the request and the cron sending the same event at once send it once', async () => {
    const queue = fakeQueue()
    queue.failures = 1
    const { email, browser, user } = await personWith(queue)
    expect((await browser.post('/security/delete', { email })).status).toBe(303)
    const [row] = await rowsOf(user.id)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + MINUTE)
    const senders = [createEventSender(db, queue), createEventSender(db, queue)]
    await Promise.all([senders[0]!.send(row!.id), senders[1]!.sendDue(), senders[0]!.send(row!.id)])
    expect(queue.sent.filter((m) => m.id === row!.id)).toHaveLength(1)
  })
})
