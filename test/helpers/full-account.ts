import { env } from 'cloudflare:test'
import { hashSecret } from '../../src/auth/secrets'
import { mailboxOf } from '../../src/addresses/email'
import { Browser, PASSWORD, signedInUser, uniqueEmail } from './browser'
import { askToChange } from './email-change'
import { setClock } from './clock'
import { userRow } from './database'
import { requestReset } from './password-reset'
import { turnOnTwoStep } from './two-step'
import { addPasskey, registrationOptions, SoftAuthenticator } from './webauthn'

/**
 * An account that has left a row in every table that can name a person:
 * two sessions and two known browsers (laptop, phone), a failed sign-in
 * (its counter and event), a passkey, a passkey challenge never answered,
 * a reset link and its mail, two-step on with recovery codes, a first
 * step held waiting for its second, and two address changes (one
 * confirmed, one waiting for its link). Its name is unique, so a dump can be
 * searched for it.
 */
export async function fullAccount() {
  const name = `Zoila Ñandú ${crypto.randomUUID().slice(0, 8)}`
  const first = await signedInUser({ name })
  // The address changed once (the first one is now a former address) and a second change waiting for its link.
  const email = uniqueEmail('ahora')
  const moved = await askToChange(first.browser, first.email, email)
  if ((await first.browser.post(moved.confirm!)).status !== 200) throw new Error('address change not confirmed')
  const pendingEmail = uniqueEmail('pendiente')
  await askToChange(first.browser, email, pendingEmail)
  const person = { ...first, email, formerEmail: first.email, pendingEmail }
  const phone = new Browser()
  if ((await phone.post('/login', { email, password: PASSWORD })).status !== 303) throw new Error('phone sign-in failed')
  await new Browser().post('/login', { email, password: 'no-es-la-clave' })
  if ((await addPasskey(person.browser, await SoftAuthenticator.create())).status !== 200) throw new Error('passkey refused')
  await registrationOptions(person.browser) // a challenge nobody answers
  await requestReset(email)
  // The clock held still while the first code is computed and checked; never moved ahead (rows dated in the future would head /dev/mail's list for other files).
  setClock(Date.now())
  const twoStep = await turnOnTwoStep(person.browser)
  await new Browser().post('/login', { email, password: PASSWORD }) // a first step held
  const user = await userRow(email)
  return { ...person, ...twoStep, phone, user }
}

/** What names a person in the database: the account id, the address, the name, and the address and mailbox as hashed in counter keys. */
export async function needlesFor(user: { id: string; email: string; name: string }, formerEmails: string[] = []) {
  const addresses = [user.email, ...formerEmails]
  return [user.id, user.name, ...addresses, ...(await Promise.all(addresses.flatMap((address) => [hashSecret(address), hashSecret(mailboxOf(address))])))]
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
