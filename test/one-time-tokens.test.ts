import { env } from 'cloudflare:test'
import { newId } from '../src/db/ids'
import { eq, inArray, type SQL } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { findOneTimeToken, tokenBySecret, newOneTimeToken, spendOneTimeToken } from '../src/auth/one-time-tokens'
import { clock, HOUR, MINUTE } from '../src/clock'
import { oneTimeTokens, users, type TokenPurpose } from '../src/db/schema'
import type { BatchItem } from 'drizzle-orm/batch'
import { db } from './helpers'

async function aUser() {
  const id = newId()
  await db.insert(users).values({ id, email: `${id}@example.com`, name: 'Prueba', passwordHash: 'x', createdAt: 0, updatedAt: 0 })
  return id
}

const noEffects = async () => []

/** Spends by the secret in a link; the spent row (who, from where, going where), or null. */
async function spend(token: string | undefined, purpose: TokenPurpose, effects: (opens: SQL) => Promise<BatchItem<'sqlite'>[]>) {
  const outcome = await spendOneTimeToken(db, await tokenBySecret(token, purpose), effects)
  return outcome?.spent ?? null
}

afterEach(() => vi.restoreAllMocks())

describe('one-time tokens', () => {
  it('are 32 random bytes in base64url, and only their SHA-256 is stored', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'password_reset')
    await insert
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = await db.select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, userId))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(rows)).not.toContain(token)
  })

  it('a reset token works for an hour and then is dead', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'password_reset')
    await insert
    const start = clock.now()
    vi.spyOn(clock, 'now').mockReturnValue(start + HOUR - MINUTE)
    expect(await findOneTimeToken(db, token, 'password_reset')).toMatchObject({ userId })
    vi.spyOn(clock, 'now').mockReturnValue(start + HOUR + 1)
    expect(await findOneTimeToken(db, token, 'password_reset')).toBeNull()
    expect(await spend(token, 'password_reset', noEffects)).toBeNull()
  })

  it('a verification token works for 24 hours', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'email_verification')
    await insert
    const start = clock.now()
    vi.spyOn(clock, 'now').mockReturnValue(start + 23 * HOUR)
    expect(await findOneTimeToken(db, token, 'email_verification')).toMatchObject({ userId })
    vi.spyOn(clock, 'now').mockReturnValue(start + 24 * HOUR + 1)
    expect(await findOneTimeToken(db, token, 'email_verification')).toBeNull()
  })

  it('is spent once: the second use fails', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'password_reset')
    await insert
    expect((await spend(token, 'password_reset', noEffects))?.userId).toBe(userId)
    expect(await spend(token, 'password_reset', noEffects)).toBeNull()
  })

  it('only for its purpose: a verification token cannot reset a password', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'email_verification')
    await insert
    expect(await findOneTimeToken(db, token, 'password_reset')).toBeNull()
    expect(await spend(token, 'password_reset', noEffects)).toBeNull()
    expect(await findOneTimeToken(db, token, 'email_verification')).toMatchObject({ userId })
  })

  it('two simultaneous spends of one token: exactly one wins and its effects apply once', async () => {
    const userId = await aUser()
    const { token, insert } = await newOneTimeToken(db, { userId }, 'password_reset')
    await insert
    let effectsBuilt = 0
    // Each spend renames the account the token opens; the update is guarded
    // by that subquery, so it matches no row once the token is gone.
    const rename = (name: string) => async (opens: SQL) => {
      effectsBuilt++
      return [db.update(users).set({ name }).where(inArray(users.id, opens))]
    }
    const results = await Promise.all([
      spend(token, 'password_reset', rename('primero')),
      spend(token, 'password_reset', rename('segundo')),
    ])
    expect(effectsBuilt).toBe(2) // both built their batch...
    expect(results.filter(Boolean)).toHaveLength(1) // ...but only one spent the token
    const winner = results[0] ? 'primero' : 'segundo'
    const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId))
    expect(row!.name).toBe(winner) // the loser's guarded update matched no row
  })

  it('spending one reset link kills every other reset link of the same person', async () => {
    const userId = await aUser()
    const first = await newOneTimeToken(db, { userId }, 'password_reset')
    const second = await newOneTimeToken(db, { userId }, 'password_reset')
    await db.batch([first.insert, second.insert])
    expect(await spend(second.token, 'password_reset', noEffects)).not.toBeNull()
    expect(await findOneTimeToken(db, first.token, 'password_reset')).toBeNull()
  })

  it('refuses malformed tokens without querying', async () => {
    const spy = vi.spyOn(env.DB, 'prepare')
    for (const token of [undefined, '', 'short', 'A'.repeat(44), 'A'.repeat(42) + '!', 'A'.repeat(100_000)]) {
      expect(await findOneTimeToken(db, token, 'password_reset')).toBeNull()
      expect(await spend(token, 'password_reset', noEffects)).toBeNull()
    }
    expect(spy).not.toHaveBeenCalled()
  })
})
