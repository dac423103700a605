import { sql, type SQL } from 'drizzle-orm'
import { users, type User } from '../db/schema'

/**
 * Statements about "the account" take either a known user id or a
 * parenthesised subquery yielding `id` (the owner of a token being spent in
 * the same batch). This turns both into the subquery form.
 */
export function ownerQuery(owner: string | SQL): SQL {
  return typeof owner === 'string' ? sql`(SELECT ${owner} AS id)` : owner
}

/** True while the owner subquery yields a row: the guard for statements that must not outlive it. */
export function ownerExists(owner: string | SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM ${ownerQuery(owner)} AS owner)`
}

/** True while the owner subquery yields an existing account: the guard for a mail queued in the batch that spends the owner's secret. */
export function accountExists(owner: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} IN ${owner})`
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
