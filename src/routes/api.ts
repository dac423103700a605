import { Hono } from 'hono'
import { lookUpSession } from '../apps/session-info'
import type { AppEnv } from '../env'

/**
 * The same "who is this?" over HTTP, for a backend that is not a Worker: it
 * forwards the person's `Cookie` header (server to server, like Ory Kratos'
 * /sessions/whoami). JSON, never cached, and no CORS: browsers of other
 * sites get nothing from it.
 */
export const apiRoutes = new Hono<AppEnv>()

apiRoutes.get('/api/session', async (c) => {
  c.header('Cache-Control', 'no-store')
  const found = await lookUpSession(c.var.db, c.var.config, c.req.header('Cookie'))
  if (!found) return c.json({ error: 'not_signed_in', message: 'No hay una sesión válida.' }, 401)
  return c.json(found)
})
