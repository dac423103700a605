import { afterEach, describe, expect, it, vi } from 'vitest'
import { spendChallenge, issueChallenge, CHALLENGE_LIFETIME, sweepChallenges } from '../src/auth/webauthn-challenges'
import { clock } from '../src/clock'
import { users } from '../src/db/schema'
import { db } from './helpers'

// The challenge store on its own (make/check, like tokens): what a
// challenge is bound to, its lifetime, and that it is spent once.

const browser = 'b'.repeat(64)

afterEach(() => vi.restoreAllMocks())

async function issued(binding: Parameters<typeof issueChallenge>[1]) {
  const { challenge, insert } = await issueChallenge(db, binding)
  await insert
  return challenge
}

async function spends(challenge: string, binding: Parameters<typeof spendChallenge>[2]) {
  const spend = await spendChallenge(db, challenge, binding)
  return spend ? (await spend.statement).length === 1 : false
}

describe('passkey challenges', () => {
  it('are spent exactly once, by the binding they were issued with', async () => {
    const challenge = await issued({ browserHash: browser, ceremony: 'sign_in', userId: null })
    expect(await spends(challenge, { browserHash: browser, ceremony: 'sign_in', userId: null })).toBe(true)
    expect(await spends(challenge, { browserHash: browser, ceremony: 'sign_in', userId: null })).toBe(false)
  })

  it('are bound to the ceremony: a sign-in challenge is no registration challenge, even with nothing else differing', async () => {
    const challenge = await issued({ browserHash: browser, ceremony: 'sign_in', userId: null })
    expect(await spends(challenge, { browserHash: browser, ceremony: 'register', userId: null })).toBe(false)
    expect(await spends(challenge, { browserHash: browser, ceremony: 'sign_in', userId: null })).toBe(true)
  })

  it('are bound to the browser and, for a registration, to the account', async () => {
    const [ana, beto] = [crypto.randomUUID(), crypto.randomUUID()]
    const now = Date.now()
    await db.insert(users).values([ana, beto].map((id) => ({ id, email: `${id}@example.com`, name: id, passwordHash: '', createdAt: now, updatedAt: now })))
    const challenge = await issued({ browserHash: browser, ceremony: 'register', userId: ana })
    expect(await spends(challenge, { browserHash: 'c'.repeat(64), ceremony: 'register', userId: ana })).toBe(false)
    expect(await spends(challenge, { browserHash: null })).toBe(false)
    expect(await spends(challenge, { browserHash: browser, ceremony: 'register', userId: beto })).toBe(false)
    expect(await spends(challenge, { browserHash: browser, ceremony: 'register', userId: ana })).toBe(true)
  })

  it(`live ${CHALLENGE_LIFETIME / 60_000} minutes, then neither spendable nor kept by the sweep`, async () => {
    const start = Date.now()
    const binding = { browserHash: browser, ceremony: 'sign_in' as const, userId: null }
    const kept = await issued(binding)
    const expired = await issued(binding)
    vi.spyOn(clock, 'now').mockReturnValue(start + CHALLENGE_LIFETIME - 1000)
    expect(await spends(kept, binding)).toBe(true)
    vi.spyOn(clock, 'now').mockReturnValue(start + CHALLENGE_LIFETIME + 1000)
    expect(await spends(expired, binding)).toBe(false)
    const swept = await sweepChallenges(db).returning()
    expect(swept.length).toBeGreaterThanOrEqual(1)
  })

  it('a malformed challenge matches nothing and reaches no query', async () => {
    expect(await spendChallenge(db, 'x', { browserHash: browser, ceremony: 'sign_in', userId: null })).toBeNull()
  })
})
