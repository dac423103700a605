import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { MAX_PASSKEYS } from '../src/auth/passkeys'
import { hashSecret } from '../src/auth/secrets'
import { passkeys, users } from '../src/db/schema'
import { Browser, db, PASSWORD, signedInUser } from './helpers'
import { addPasskey, json, registrationOptions, signInOptions, SoftAuthenticator } from './helpers/webauthn'

/** Every row of every table of ours, as someone who copied the database would read it. */
async function dumpD1() {
  const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'").all<{ name: string }>()
  expect(tables.map((table) => table.name)).toContain('webauthn_challenges')
  const dump: string[] = []
  for (const { name } of tables) dump.push(name, JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results))
  return dump.join('\n')
}

async function passkeyCount(email: string) {
  const user = (await db.select().from(users).where(eq(users.email, email)).get())!
  return (await db.select().from(passkeys).where(eq(passkeys.userId, user.id))).length
}

describe('passkey challenges at rest', () => {
  it('a copy of D1 holds the hash of each live challenge, never the challenge an authenticator would sign', async () => {
    const { browser } = await signedInUser()
    const { options } = await registrationOptions(browser)
    const { challenge: signIn } = await signInOptions(new Browser())
    const dump = await dumpD1()
    for (const challenge of [options!.challenge, signIn]) {
      expect(dump).toContain(await hashSecret(challenge)) // the row is in the copy…
      expect(dump).not.toContain(challenge) // …and the challenge is not
    }
  })
})

describe(`at most ${MAX_PASSKEYS} passkeys per account`, () => {
  // 21 registrations and a sign-in: seconds on a shared machine, past vitest's default 5 s.
  it(`the ${MAX_PASSKEYS + 1}st passkey is refused with the Spanish message and nothing is stored`, { timeout: 30_000 }, async () => {
    expect(MAX_PASSKEYS).toBe(20)
    const { browser: laptop, email } = await signedInUser()
    // Two browsers share the registrations: each POST counts against its own address's form limit (30 a minute).
    const phone = new Browser()
    expect((await phone.post('/login', { email, password: PASSWORD })).status).toBe(303)
    for (let i = 0; i < MAX_PASSKEYS; i++) {
      const added = await addPasskey(i % 2 ? phone : laptop, await SoftAuthenticator.create())
      expect(added.status, `passkey ${i + 1}`).toBe(200)
    }
    expect(await passkeyCount(email)).toBe(MAX_PASSKEYS)
    const refused = await addPasskey(phone, await SoftAuthenticator.create())
    expect(refused.status).toBe(400)
    expect(json(refused)).toEqual({ error: 'No pudimos agregar la llave de acceso. Vuelva a intentarlo.' })
    expect(await passkeyCount(email)).toBe(MAX_PASSKEYS)
  })
})
