import { createMiddleware } from 'hono/factory'
import { readConfig } from '../config'
import { openDatabase } from '../db/client'
import type { AppEnv } from '../env'
import { createMailer } from '../mail/transport'

/** Puts config, database and mailer on c.var. Nothing here touches D1: anonymous pages stay query-free. */
export function provideContext(options: { fetch?: typeof fetch } = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const config = readConfig(c.env)
    const db = openDatabase(c.env.DB)
    c.set('config', config)
    c.set('db', db)
    c.set('mailer', createMailer(config, db, options.fetch))
    await next()
  })
}
