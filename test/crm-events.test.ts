import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import type { AccountEventMessage } from '../src/auth/account-events'
import crm, { cacheKey, type AccountEvent } from '../examples/crm/src/index'
import { Browser, lastMailTo, linkIn, ORIGIN, PASSWORD, uniqueEmail, userRow } from './helpers'

// examples/crm keeps its own copy of each person's name and address (KV,
// CRM_CACHE) and drops it when the accounts Worker says the address changed
// or the account is gone (its ACCOUNT_EVENTS queue consumer). Its fetch and
// queue handlers run here in workerd, with a real local KV and the accounts
// Worker's real AccountsRpc; the queue between the two is the fake below, as
// Miniflare delivers a batch to a consumer.

const crmEnv = { ACCOUNTS: env.ACCOUNTS, ACCOUNTS_URL: ORIGIN, CRM_CACHE: env.CRM_CACHE }

/** The accounts Worker's queue producer, recording what it sends. */
function recordingQueue() {
  const sent: AccountEventMessage[] = []
  return { sent, send: async (body: AccountEventMessage) => void sent.push(structuredClone(body)) }
}

/** What Miniflare hands a consumer: these messages, each with ack and retry. */
function batchOf(bodies: AccountEvent[]) {
  const messages = bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body, ack: vi.fn(), retry: vi.fn() }))
  const batch = { queue: 'ecuabots-account-events', messages, ackAll: vi.fn(), retryAll: vi.fn() } as unknown as MessageBatch<AccountEvent>
  return { batch, acked: () => messages.map((message) => message.ack.mock.calls.length) }
}

/** A person signed in, whose accounts Worker sends its events to `queue`, who has opened the CRM once (so it cached her). */
async function personSeenByCrm(queue: ReturnType<typeof recordingQueue>) {
  const email = uniqueEmail()
  const browser = new Browser(ORIGIN, { ...env, ACCOUNT_EVENTS: queue as unknown as Queue })
  await browser.post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD })
  await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
  const ctx = createExecutionContext()
  const page = await crm.fetch(new Request('https://crm.ecuabots.test/', { headers: { Cookie: `__Host-session=${browser.cookie('__Host-session')}` } }), crmEnv, ctx)
  await waitOnExecutionContext(ctx)
  expect(await page.text()).toContain('Hola, Ana Pérez')
  return { email, browser, user: await userRow(email) }
}

describe('examples/crm drops its cached copy of an account when told', () => {
  it('caches the name and address of whoever opens it', async () => {
    const { email, user } = await personSeenByCrm(recordingQueue())
    expect(await env.CRM_CACHE.get(cacheKey(user.id), 'json')).toEqual({ name: 'Ana Pérez', email })
  })

  it('the person deletes the account: the account.deleted message drops the copy, without the CRM asking', async () => {
    const queue = recordingQueue()
    const { email, browser, user } = await personSeenByCrm(queue)
    expect((await browser.post('/security/delete', { email })).status).toBe(303)
    const { batch, acked } = batchOf(queue.sent)
    await crm.queue(batch, crmEnv)
    expect(await env.CRM_CACHE.get(cacheKey(user.id))).toBeNull()
    expect(acked()).toEqual([1])
  })

  it('account.email_changed drops the copy too; a password change or a closed session keep it', async () => {
    const { user } = await personSeenByCrm(recordingQueue())
    const at = Date.now()
    await crm.queue(batchOf([{ id: 'e1', type: 'account.password_changed', accountId: user.id, at }, { id: 'e2', type: 'session.revoked', accountId: user.id, at }]).batch, crmEnv)
    expect(await env.CRM_CACHE.get(cacheKey(user.id))).not.toBeNull()
    await crm.queue(batchOf([{ id: 'e3', type: 'account.email_changed', accountId: user.id, at }]).batch, crmEnv)
    expect(await env.CRM_CACHE.get(cacheKey(user.id))).toBeNull()
  })

  it('a message delivered twice is harmless, and another account\'s copy stays', async () => {
    const [ana, bea] = [await personSeenByCrm(recordingQueue()), await personSeenByCrm(recordingQueue())]
    const gone: AccountEvent = { id: 'e4', type: 'account.deleted', accountId: ana.user.id, at: Date.now() }
    await crm.queue(batchOf([gone, gone]).batch, crmEnv)
    expect(await env.CRM_CACHE.get(cacheKey(ana.user.id))).toBeNull()
    expect(await env.CRM_CACHE.get(cacheKey(bea.user.id))).not.toBeNull()
  })
})
