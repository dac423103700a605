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

/**
 * What every D1 session has (src/db/client.ts, openDatabaseSession): the app
 * reads and writes through one per request, not through env.DB itself, so a
 * spy on what the app prepares or batches is set here.
 */
export const d1Session = Object.getPrototypeOf(env.DB.withSession()) as D1DatabaseSession

/** What observedD1 reports: each session started (with its constraint or bookmark), each statement prepared, each round trip. */
export type D1Observer = {
  session?(start: string | undefined, session: D1DatabaseSession): void
  statement?(sql: string): void
  trip?(): void
}

/**
 * The Worker's D1 binding, watched: pass it as the env's DB
 * (`{ ...env, DB: observedD1(...) }`) and every D1 session the app starts on
 * it, every statement and every round trip — each prepare(...).first/all/
 * run/raw, each batch however many statements it carries — is reported.
 */
export function observedD1(observer: D1Observer, d1: D1Database = env.DB): D1Database {
  const statement = (prepared: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(prepared, {
      get(target, key) {
        const value = Reflect.get(target, key, target)
        if (key === 'bind') return (...args: unknown[]) => statement(value.apply(target, args))
        if (key === 'first' || key === 'all' || key === 'run' || key === 'raw') {
          return (...args: unknown[]) => {
            observer.trip?.()
            return value.apply(target, args)
          }
        }
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  const database = <T extends D1Database | D1DatabaseSession>(db: T): T =>
    new Proxy(db, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as (...args: unknown[]) => unknown
        if (key === 'prepare') {
          return (sql: string) => {
            observer.statement?.(sql)
            return statement(value.call(target, sql) as D1PreparedStatement)
          }
        }
        if (key === 'batch') {
          return (statements: D1PreparedStatement[]) => {
            observer.trip?.()
            return value.call(target, statements)
          }
        }
        if (key === 'withSession') {
          return (start?: string) => {
            const session = value.call(target, start) as D1DatabaseSession
            observer.session?.(start, session)
            return database(session)
          }
        }
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  return database(d1)
}
