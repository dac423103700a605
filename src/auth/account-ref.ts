import { sql, type SQL } from 'drizzle-orm'
import { users, type User } from '../db/schema'

/**
 * The account a statement is about: a known user id, or a parenthesised
 * subquery yielding `id` — the account a token opens (`token.opens`), the
 * account of a session or passkey, or an account while its password hash is
 * the one checked (whileHashIs) — when the statement shares a batch with the
 * spend or check that decides it. (The owner, in comments, docs and test
 * names, is the person whose account and mailbox it is: never one of these.)
 */
export type AccountRef = string | SQL

/** Both forms of AccountRef as the subquery form. */
export function accountIdQuery(account: AccountRef): SQL {
  return typeof account === 'string' ? sql`(SELECT ${account} AS id)` : account
}

/** True while the reference still yields its account: the guard for statements that must not outlive it. */
export function accountFound(account: AccountRef): SQL {
  return sql`EXISTS (SELECT 1 FROM ${accountIdQuery(account)} AS account)`
}

/** True while the subquery yields an existing account: the guard for a mail queued in the batch that spends the account's secret. */
export function accountExists(account: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} IN ${account})`
}

/**
 * The account, as a subquery that yields its id only while its password
 * hash is still the one that was checked. Every write that follows a
 * password check in a later round trip is guarded by it: a reset or change
 * that commits in between leaves the late write with nothing to do.
 */
export function whileHashIs(user: Pick<User, 'id' | 'passwordHash'>): SQL {
  return sql`(SELECT ${users.id} AS id FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.passwordHash} = ${user.passwordHash})`
}
