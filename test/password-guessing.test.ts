import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { securityEvents } from '../src/db/schema'
import { Browser, db, PASSWORD, signedInUser, userRow, visibleText } from './helpers'

// Guessing a password: many at once on the sign-in form, or the current
// password on the profile with a stolen session. Both spend one per-account
// limit, counted before any hashing.

afterEach(() => vi.restoreAllMocks())

describe('parallel guessing', () => {
  it(`48 simultaneous wrong passwords from 48 addresses: only ${LOGIN_FAILURES.limit} are checked, the rest are refused before hashing`, async () => {
    const { email } = await signedInUser()
    const answers = await Promise.all(Array.from({ length: 48 }, () => new Browser().post('/login', { email, password: 'adivinanza-1' })))
    const statuses = answers.map((page) => page.status)
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_FAILURES.limit)
    expect(statuses.filter((status) => status === 429)).toHaveLength(48 - LOGIN_FAILURES.limit)
  })
})

describe('re-authentication guesses on the profile', () => {
  it('wrong current passwords are counted, recorded, and past the limit answered 429 with Retry-After; the session stays', async () => {
    const { browser, email } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // no longer a fresh session
    const tries = []
    for (let i = 0; i <= LOGIN_FAILURES.limit; i++) {
      tries.push(await browser.post('/profile', { name: 'Ana', current_password: `mala-${i}`, password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' }))
    }
    expect(tries.slice(0, -1).map((page) => page.status)).toEqual(Array(LOGIN_FAILURES.limit).fill(422))
    const refused = tries.at(-1)!
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(visibleText(refused.text)).toContain('Demasiados intentos con una contraseña incorrecta')
    const right = await browser.post('/profile', { name: 'Ana', current_password: PASSWORD, password: 'nueva-clave-77', password_confirmation: 'nueva-clave-77' })
    expect(right.status).toBe(429) // even the right one waits for the window
    const profile = await browser.get('/security')
    expect(profile.status).toBe(200)
    expect(visibleText(profile.text)).toContain('Contraseña actual incorrecta en el perfil')
    const user = await userRow(email)
    const events = await db.select().from(securityEvents).where(eq(securityEvents.userId, user.id))
    expect(events.filter((event) => event.type === 'reauthentication_failed')).toHaveLength(LOGIN_FAILURES.limit)
  })

  it('they share the limit with sign-in: ten wrong sign-ins leave a stolen session no guesses', async () => {
    const { browser, email } = await signedInUser()
    const stolen = { Cookie: `__Host-session=${browser.cookie('__Host-session')}` }
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // no longer a fresh session
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) await new Browser().post('/login', { email, password: `mala-${i}` })
    await new Browser().post('/login', { email, password: PASSWORD }).then((page) => expect(page.status).toBe(429))
    // The session, copied into a browser the account does not know, has no guesses left either: not even the right password.
    const guess = await new Browser().post('/profile', { name: 'Ana', current_password: PASSWORD, password: 'del-ladron-77', password_confirmation: 'del-ladron-77' }, stolen)
    expect(guess.status).toBe(429)
    expect(visibleText(guess.text)).toContain('Demasiados intentos con una contraseña incorrecta')
  })
})
