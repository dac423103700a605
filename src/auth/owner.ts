import { sql, type SQL } from 'drizzle-orm'

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
