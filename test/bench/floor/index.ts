import { Hono } from 'hono'
import { PASSWORD_ITERATIONS, pbkdf2 } from '../../../src/crypto/pbkdf2'

/**
 * The floor: the cheapest thing the runtime can do for each kind of route,
 * served by the same wrangler dev / workerd in the same run as the app, so
 * the app's rows can be read as ratios instead of drifting absolute times.
 */
type Env = { DB: D1Database }

const app = new Hono<{ Bindings: Env }>()

app.get('/hello', (c) => c.text('hola'))

app.get('/d1', async (c) => {
  const row = await c.env.DB.prepare('SELECT id, name FROM items WHERE id = ?').bind(1).first()
  return c.json(row)
})

app.get('/pbkdf2', async (c) => {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await pbkdf2(new TextEncoder().encode('faro-del-sur-12'), salt, PASSWORD_ITERATIONS)
  return c.text(String(hash.length))
})

export default app
