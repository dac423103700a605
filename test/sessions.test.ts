import { createScheduledController, env } from 'cloudflare:test'
import worker from '../src/index'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, DAY, MINUTE } from '../src/clock'
import { sessions, users } from '../src/db/schema'
import { Browser, d1Session, db, PASSWORD, sessionsOf, signedInUser } from './helpers'

afterEach(() => vi.restoreAllMocks())

/** Every column of the account's one session row. */
async function sessionRowOf(email: string) {
  const [row] = await db.select({ session: sessions }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(users.email, email))
  return row!.session
}

/**
 * The SQL of every statement the app prepares on D1 while `action` runs
 * (drizzle prepares each statement it runs, batched or not) — through the
 * request's D1 session or on the binding — and those that write.
 */
async function statementsDuring(action: () => Promise<unknown>) {
  const inSession = vi.spyOn(d1Session, 'prepare')
  const onBinding = vi.spyOn(env.DB, 'prepare')
  let all: string[]
  try {
    await action()
  } finally {
    all = [...inSession.mock.calls, ...onBinding.mock.calls].map(([sql]) => sql)
    inSession.mockRestore()
    onBinding.mockRestore()
  }
  return { all, writes: all.filter((sql) => /^\s*(insert|update|delete|replace)\b/i.test(sql)) }
}

describe('sessions', () => {
  it('the cookie holds a secret whose hash alone is stored', async () => {
    const { browser, email } = await signedInUser()
    const token = browser.cookie('__Host-session')!
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = await db.select().from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(users.email, email))
    expect(JSON.stringify(rows)).not.toContain(token)
  })

  it('a session unused for 30 days has expired and asks to sign in again', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 30 * DAY + 1000)
    const page = await browser.get('/profile')
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login?next=%2Fprofile')
    expect(browser.cookie('__Host-session')).toBeUndefined() // the dead cookie is cleared
  })

  it('slides: a session used after 20 days lives 30 more days from then', async () => {
    const { browser, email } = await signedInUser()
    const start = Date.now()
    vi.spyOn(clock, 'now').mockReturnValue(start + 20 * DAY)
    expect((await browser.get('/profile')).status).toBe(200)
    const [row] = await sessionsOf(email)
    expect(row!.expiresAt).toBe(start + 50 * DAY)
    vi.spyOn(clock, 'now').mockReturnValue(start + 45 * DAY)
    expect((await browser.get('/profile')).status).toBe(200)
  })

  it('an ordinary page view a few minutes after the last one writes nothing to D1', async () => {
    const { browser, email } = await signedInUser()
    const before = await sessionRowOf(email)
    vi.spyOn(clock, 'now').mockReturnValue(before.lastSeenAt + 4 * MINUTE) // "last seen" is refreshed at most every 5 minutes
    const statements = await statementsDuring(async () => expect((await browser.get('/profile')).status).toBe(200))
    expect(statements.all.some((sql) => /from "sessions"/i.test(sql))).toBe(true) // the spy saw the page read the session…
    expect(statements.writes).toEqual([]) // …and nothing written
    expect(await sessionRowOf(email)).toEqual(before)
  })

  it('a page view days later refreshes only "last seen", in one write, while the session is far from expiring', async () => {
    const { browser, email } = await signedInUser()
    const before = await sessionRowOf(email)
    const later = before.lastSeenAt + 2 * DAY
    vi.spyOn(clock, 'now').mockReturnValue(later)
    const statements = await statementsDuring(async () => expect((await browser.get('/profile')).status).toBe(200))
    expect(statements.writes).toHaveLength(1)
    expect(statements.writes[0]).toMatch(/^update "sessions"/i)
    expect(await sessionRowOf(email)).toEqual({ ...before, lastSeenAt: later }) // the expiry stays where it was
  })

  it('signing in as someone else in the same browser ends the previous session on the server', async () => {
    const first = await signedInUser()
    const second = await signedInUser()
    const oldToken = first.browser.cookie('__Host-session')!
    expect(await sessionsOf(first.email)).toHaveLength(1)
    const signedIn = await first.browser.post('/login', { email: second.email, password: PASSWORD })
    expect(signedIn.status).toBe(303)
    expect(await sessionsOf(first.email)).toHaveLength(0)
    const replay = await new Browser().get('/profile', { Cookie: `__Host-session=${oldToken}` })
    expect(replay.status).toBe(303)
  })

  it('the hourly sweep (Cron Trigger) drops expired sessions and keeps live ones', async () => {
    const { email } = await signedInUser()
    const later = Date.now() + 31 * DAY
    vi.spyOn(clock, 'now').mockReturnValue(later)
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(await sessionsOf(email)).toHaveLength(2)
    await worker.scheduled(createScheduledController({ cron: '17 * * * *' }), env)
    const rows = await sessionsOf(email)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.expiresAt).toBeGreaterThan(later)
  })

  it('a sliding session re-sends its cookie when the server extends it', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 20 * 24 * 60 * MINUTE)
    const page = await browser.get('/profile')
    expect(page.status).toBe(200)
    const cookie = page.headers.getSetCookie().find((line) => line.startsWith('__Host-session='))
    expect(cookie).toMatch(/Max-Age=2592000/)
  })
})
