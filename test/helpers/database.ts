import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { openDatabase } from '../../src/db/client'
import { sessions, users } from '../../src/db/schema'

/** The Worker's D1, opened once for every test file: for reading what a request left behind. */
export const db = openDatabase(env.DB)

/** The account at an address, or undefined if there is none. */
export async function accountOf(email: string) {
  return db.select().from(users).where(eq(users.email, email)).get()
}

/** The account at an address, which the test has made. */
export async function userRow(email: string) {
  const user = await accountOf(email)
  if (!user) throw new Error(`no account at ${email}`)
  return user
}

/** The session rows of the account at an address. */
export async function sessionsOf(email: string) {
  const rows = await db.select({ session: sessions }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(users.email, email))
  return rows.map((row) => row.session)
}
