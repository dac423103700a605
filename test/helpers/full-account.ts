import { env } from 'cloudflare:test'
import { hashSecret } from '../../src/auth/secrets'
import { mailboxOf } from '../../src/addresses/email'
import { Browser, PASSWORD, signedInUser } from './browser'
import { setClock } from './clock'
import { userRow } from './database'
import { requestReset } from './password-reset'
import { turnOnTwoStep } from './two-step'
import { addPasskey, registrationOptions, SoftAuthenticator } from './webauthn'

/**
 * An account that has left a row in every table that can name a person:
 * two sessions and two known browsers (laptop, phone), a failed sign-in
 * (its counter and event), a passkey, a passkey challenge never answered,
 * a reset link and its mail, two-step on with recovery codes, and a first
 * step held waiting for its second. Its name is unique, so a dump can be
 * searched for it.
 */
export async function fullAccount() {
  const name = `Zoila Ñandú ${crypto.randomUUID().slice(0, 8)}`
  const person = await signedInUser({ name })
  const phone = new Browser()
  if ((await phone.post('/login', { email: person.email, password: PASSWORD })).status !== 303) throw new Error('phone sign-in failed')
  await new Browser().post('/login', { email: person.email, password: 'no-es-la-clave' })
  if ((await addPasskey(person.browser, await SoftAuthenticator.create())).status !== 200) throw new Error('passkey refused')
  await registrationOptions(person.browser) // a challenge nobody answers
  await requestReset(person.email)
  // The clock held still while the first code is computed and checked; never moved ahead (rows dated in the future would head /dev/mail's list for other files).
  setClock(Date.now())
  const twoStep = await turnOnTwoStep(person.browser)
  await new Browser().post('/login', { email: person.email, password: PASSWORD }) // a first step held
  const user = await userRow(person.email)
  return { ...person, ...twoStep, phone, user }
}

/** What names a person in the database: the account id, the address, the name, and the address and mailbox as hashed in counter keys. */
export async function needlesFor(user: { id: string; email: string; name: string }) {
  return [user.id, user.email, user.name, await hashSecret(user.email), await hashSecret(mailboxOf(user.email))]
}

/** Every table of the database (not SQLite's, D1's or wrangler's own). */
export async function tableNames(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>()
  return results.map((row) => row.name)
}

/** The full dump: every row of every table whose columns hold one of `needles` anywhere in their text, as `table: row`. */
export async function rowsHolding(needles: string[]) {
  const found: { table: string; row: Record<string, unknown> }[] = []
  for (const table of await tableNames()) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${table}"`).all<Record<string, unknown>>()
    for (const row of results) {
      if (Object.values(row).some((value) => value !== null && needles.some((needle) => String(value).includes(needle)))) found.push({ table, row })
    }
  }
  return found
}
