import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOGIN_FAILURES } from '../src/auth/limits'
import { isCommonPassword, verifyPassword } from '../src/auth/passwords'
import { clock, MINUTE } from '../src/clock'
import { users } from '../src/db/schema'
import { Browser, countPbkdf2, db, lastMailTo, linkIn, ORIGIN, PASSWORD, signedInUser, testHashing, uniqueEmail } from './helpers'

// What docs/security.md and docs/sign-in.md say about password checks, held through the front door:
// PBKDF2 work is counted, not timed (the test runtime's clock says nothing
// about CPU, see input-bounds.test.ts).

/** 48 requests at once: seconds on a machine shared with other test runs, past vitest's default 5 s. */
const SLOW = 30_000

afterEach(() => vi.restoreAllMocks())

async function storedHashOf(email: string) {
  return (await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, email)).get())!.hash
}

describe('password attempts are counted before any hashing', () => {
  it(`48 wrong passwords for one account sent at once cost exactly ${LOGIN_FAILURES.limit} password hashes; the rest get 429`, { timeout: SLOW }, async () => {
    const { email } = await signedInUser()
    const hashes = countPbkdf2()
    // From 48 browsers (48 addresses), so no per-IP limit answers first.
    const pages = await Promise.all(Array.from({ length: 48 }, (_, i) => new Browser().post('/login', { email, password: `adivinanza-${i}` })))
    expect(hashes).toHaveLength(LOGIN_FAILURES.limit)
    const statuses = pages.map((page) => page.status)
    expect(statuses.filter((status) => status === 401)).toHaveLength(LOGIN_FAILURES.limit)
    expect(statuses.filter((status) => status === 429)).toHaveLength(48 - LOGIN_FAILURES.limit)
  })

  it('an unknown address costs the same password hash as a wrong password (the dummy hash has the same iterations)', async () => {
    const { email } = await signedInUser()
    const hashes = countPbkdf2()
    expect((await new Browser().post('/login', { email, password: 'no-es-esta-1' })).status).toBe(401)
    const known = hashes.splice(0)
    expect((await new Browser().post('/login', { email: uniqueEmail('nadie'), password: 'no-es-esta-1' })).status).toBe(401)
    expect(known).toEqual([testHashing().iterations]) // the suite's count (test/vitest.config.ts); as deployed: password-iterations.test.ts
    expect(hashes).toEqual(known)
  })
})

describe('the profile\'s "Contraseña actual" shares the sign-in limit', () => {
  it('ten wrong current passwords from a stolen session lock password sign-in for strangers too', async () => {
    const { browser, email } = await signedInUser()
    const stolen = { Cookie: `__Host-session=${browser.cookie('__Host-session')}` }
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE) // no longer a fresh session: the profile asks for the current password
    // The thief's browser holds the session cookie only, not the owner's device cookie: it guesses on the account's shared counter.
    const thief = new Browser()
    for (let i = 0; i < LOGIN_FAILURES.limit; i++) {
      const guess = await thief.post('/profile', { name: 'Ana', current_password: `mala-${i}`, password: 'del-ladron-77', password_confirmation: 'del-ladron-77' }, stolen)
      expect(guess.status).toBe(422)
    }
    const signIn = await new Browser().post('/login', { email, password: PASSWORD })
    expect(signIn.status).toBe(429) // even the right password, from anywhere the account does not know
  })
})

describe('PASSWORD_PEPPER', () => {
  const peppered = { ...env, PASSWORD_PEPPER: 'pimienta-de-prueba-0123456789-abcdefghij' }

  it('set in the environment, it goes into the stored hash, and sign-in with the same setting still works', async () => {
    const email = uniqueEmail('pimienta')
    const browser = new Browser(ORIGIN, peppered)
    await browser.post('/signup', { name: 'Ana Pérez', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect((await browser.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))).status).toBe(303)

    const stored = await storedHashOf(email)
    const [algorithm, iterations, pepperFlag, salt, hash] = stored.split('$')
    expect(pepperFlag).toBe('1')
    // The same salt and iterations without the pepper give other bytes: the pepper changed the hash, not only its flag.
    expect(await verifyPassword(PASSWORD, [algorithm, iterations, '0', salt, hash].join('$'), null)).toBe(false)

    expect((await new Browser(ORIGIN, peppered).post('/login', { email, password: PASSWORD })).status).toBe(303)
    // Without the pepper the hash cannot be checked: refused, never accepted.
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(401)
  })
})

describe('the common-password list', () => {
  // Structure, not a stopwatch: the answer is one Set lookup of the typed
  // password, and the bundled list is not split or walked again per check.
  it('is looked up with one Set.has call, never scanned or rebuilt', () => {
    isCommonPassword('calentar-la-lista') // built once, on first use
    const has = Set.prototype.has
    const split = String.prototype.split
    const asked: unknown[] = []
    let splits = 0
    const check = (password: string, setSays: boolean | null) => {
      Set.prototype.has = function (this: Set<unknown>, value: unknown) {
        asked.push(value)
        return setSays ?? has.call(this, value)
      }
      String.prototype.split = function (this: string, ...args: Parameters<typeof split>) {
        splits++
        return split.apply(this, args)
      } as typeof split
      try {
        return isCommonPassword(password)
      } finally {
        Set.prototype.has = has
        String.prototype.split = split
      }
    }
    expect(check('Río-Tranquilo-42', null)).toBe(false)
    expect(asked).toEqual(['río-tranquilo-42'])
    // The Set's answer is the answer, both ways.
    expect(check('río-tranquilo-42', true)).toBe(true)
    expect(check('password', false)).toBe(false)
    expect(check('password', null)).toBe(true)
    expect(asked).toHaveLength(4)
    expect(splits).toBe(0)
  })
})
