import { createMiddleware } from 'hono/factory'
import { readConfig } from '../config'
import { openDatabase } from '../db/client'
import type { Bindings } from '../config/bindings'
import type { AppEnv, Variables } from '../env'
import { outboxFor } from '../mail/outbox'
import { createEventSender } from '../auth/account-events'

type Services = Pick<Variables, 'config' | 'outbox' | 'events'>

/**
 * Puts config and outbox on c.var. They depend only on the env, which is
 * stable for the life of an isolate, so they are built once per env (Hono's
 * rule: resolve options outside the per-request closure). The outbox works
 * on the primary (its claims and sends decide what is sent once); the
 * request's own database is chooseDatabase's (src/middleware/database.ts).
 * Nothing here touches D1: anonymous pages stay query-free.
 */
export function provideContext(options: { fetch?: typeof fetch } = {}) {
  const built = new WeakMap<Bindings, Services>()
  return createMiddleware<AppEnv>(async (c, next) => {
    let services = built.get(c.env)
    if (!services) {
      const config = readConfig(c.env)
      const primary = openDatabase(c.env.DB)
      services = { config, outbox: outboxFor(config, primary, options.fetch), events: createEventSender(primary, c.env.ACCOUNT_EVENTS) }
      built.set(c.env, services)
    }
    c.set('config', services.config)
    c.set('outbox', services.outbox)
    c.set('events', services.events)
    await next()
  })
}
