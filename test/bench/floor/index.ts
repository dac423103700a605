import { Hono } from 'hono'
import { normalizeEmail } from '../../../src/addresses/email'
import { normalizeName } from '../../../src/auth/names'
import { checkNewPasswordAsTyped } from '../../../src/auth/passwords'
import { fromBase64Url, toBase64Url } from '../../../src/crypto/encoding'
import { PASSWORD_ITERATIONS, pbkdf2 } from '../../../src/crypto/pbkdf2'

/**
 * The floors: for each bench row, the same platform work with no app around
 * it, served by the same wrangler dev / workerd in the same run as the app,
 * so a row reads as "how close is the app to the least this route can cost".
 *
 * The bench stores each app answer here first (PUT /answers/:name: status,
 * headers and body as the app sent them); the floors then send those same
 * bytes back from memory after the work the route cannot avoid:
 * - GET /answers/:name             nothing (an anonymous page)
 * - GET /d1/answers/:name          one D1 point read (a signed-in page, the session check)
 * - POST /check/:name              the inline check's own rules on the posted form
 * - POST /login                    what a correct, throttled password sign-in must do (below)
 */
type Env = { DB: D1Database; LIMITER: RateLimit }
type Answer = { status: number; headers: [string, string][]; body: string }

const app = new Hono<{ Bindings: Env }>()
const answers = new Map<string, Answer>()

const send = (answer: Answer | undefined) =>
  answer ? new Response(answer.body, { status: answer.status, headers: answer.headers }) : new Response('sin respuesta guardada', { status: 404 })

app.get('/hello', (c) => c.text('hola'))

app.put('/answers/:name', async (c) => {
  answers.set(c.req.param('name'), await c.req.json<Answer>())
  return c.body(null, 204)
})

app.get('/answers/:name', (c) => send(answers.get(c.req.param('name'))))

app.get('/d1/answers/:name', async (c) => {
  await c.env.DB.prepare('SELECT id, name FROM items WHERE id = ?').bind(1).first()
  return send(answers.get(c.req.param('name')))
})

app.post('/check/:name', async (c) => {
  const form = new URLSearchParams(await c.req.text())
  const person = { name: normalizeName(form.get('name') ?? undefined), email: normalizeEmail(form.get('email') ?? undefined) }
  checkNewPasswordAsTyped(form.get('password') ?? '', form.get('password_confirmation') ?? '', person, { confirmationLeft: form.get('confirmation_left') === '1' })
  return send(answers.get(c.req.param('name')))
})

/** One account to sign in to, hashed as the app hashes (PASSWORD_ITERATIONS). */
app.post('/setup', async (c) => {
  const { email, password } = await c.req.json<{ email: string; password: string }>()
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await pbkdf2(new TextEncoder().encode(password), salt, PASSWORD_ITERATIONS)
  await c.env.DB.prepare('INSERT OR REPLACE INTO users (id, email, salt, hash) VALUES (1, ?, ?, ?)').bind(email, toBase64Url(salt), toBase64Url(hash)).run()
  return c.body(null, 204)
})

/**
 * The least a correct password sign-in does, each step one the app cannot
 * drop: the per-IP rate limit (the forms' Rate Limiting binding), then in
 * one round trip the account's attempt counter (counted before any hash,
 * so guessing is throttled) and the account; one PBKDF2 derivation with the
 * app's parameters; then in one round trip the new session (a random token,
 * only its SHA-256 stored) and the attempt given back; a 303 with the cookie.
 */
app.post('/login', async (c) => {
  const form = new URLSearchParams(await c.req.text())
  const { success } = await c.env.LIMITER.limit({ key: `/login:${c.req.header('cf-connecting-ip')}` })
  if (!success) return c.text('demasiadas', 429)
  const email = form.get('email') ?? ''
  const [counted, found] = await c.env.DB.batch<{ count: number; id: number; salt: string; hash: string }>([
    c.env.DB.prepare(
      'INSERT INTO attempts (key, count, reset_at) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count',
    ).bind(`login:${email}`, Date.now() + 15 * 60_000),
    c.env.DB.prepare('SELECT id, salt, hash FROM users WHERE email = ?').bind(email),
  ])
  const user = found!.results[0]
  if ((counted!.results[0]?.count ?? 0) > 10 || !user) return c.text('no', 401)
  const candidate = await pbkdf2(new TextEncoder().encode(form.get('password') ?? ''), fromBase64Url(user.salt), PASSWORD_ITERATIONS)
  if (!crypto.subtle.timingSafeEqual(candidate, fromBase64Url(user.hash))) return c.text('no', 401)
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
  const tokenHash = toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))))
  await c.env.DB.batch([
    c.env.DB.prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)').bind(tokenHash, user.id, Date.now() + 30 * 86_400_000),
    c.env.DB.prepare('UPDATE attempts SET count = count - 1 WHERE key = ?').bind(`login:${email}`),
  ])
  c.header('Set-Cookie', `__Host-session=${token}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=2592000`)
  return c.redirect('/profile', 303)
})

export default app
