import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from './client'

type Query = BatchItem<'sqlite'>

/** A step of a batch: read back with `done.of(step)`, typed as the rows its query returns. */
export type Step<Rows> = { readonly rows?: Rows }

/** The rows a drizzle query yields in a batch (what `done.of` returns for its step). */
export type RowsOf<Q extends Query> = Q['_']['result']

/**
 * One D1 batch — one transaction, one round trip — built from steps and read
 * back by the handle each step returned, never by position (STYLE.md,
 * principle 9): adding a step cannot shift what another is read from.
 * Steps run in the order they are added. Domain functions take the batch,
 * add their steps and return their handles, so batches compose.
 */
export type Batch = ReturnType<typeof createBatch>
export type Done = Awaited<ReturnType<Batch['commit']>>

export function createBatch(db: Database) {
  const queries: Query[] = []
  // The handle is an opaque object; where its result sits is known only here.
  const positions = new Map<Step<unknown>, number>()
  let committed = false
  return {
    db,
    add<Q extends Query>(query: Q): Step<RowsOf<Q>> {
      if (committed) throw new Error('batch: a step was added after commit')
      const step: Step<RowsOf<Q>> = {}
      positions.set(step, queries.push(query) - 1)
      return step
    },
    async commit() {
      if (committed) throw new Error('batch: committed twice')
      committed = true
      const results: unknown[] = queries.length > 0 ? await db.batch(queries as [Query, ...Query[]]) : []
      return {
        of<Rows>(step: Step<Rows>): Rows {
          const position = positions.get(step)
          if (position === undefined) throw new Error('batch: a step of another batch')
          return results[position] as Rows
        },
      }
    },
  }
}
