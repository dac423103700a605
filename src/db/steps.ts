import type { BatchItem } from 'drizzle-orm/batch'
import type { Database } from './client'

type Step = BatchItem<'sqlite'> | BatchItem<'sqlite'>[]

/**
 * One D1 batch (one transaction, one round trip) written as named steps and
 * read back by name, so adding a step never shifts what another step's
 * result is read from (STYLE.md, principle 9). A step may be a list of
 * statements (prepareSignIn's); its result is then the list of theirs.
 * Steps run in the order they are written.
 */
export async function runSteps<S extends Record<string, Step>>(db: Database, steps: S): Promise<{ [K in keyof S]: S[K] extends unknown[] ? unknown[] : unknown }> {
  const statements: BatchItem<'sqlite'>[] = []
  const spans: [name: string, start: number, end: number, list: boolean][] = []
  for (const [name, step] of Object.entries(steps)) {
    const list = Array.isArray(step)
    spans.push([name, statements.length, statements.length + (list ? step.length : 1), list])
    statements.push(...(list ? step : [step]))
  }
  const results = await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])
  return Object.fromEntries(spans.map(([name, start, end, list]) => [name, list ? results.slice(start, end) : results[start]])) as never
}
