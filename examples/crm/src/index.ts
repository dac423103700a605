import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { html } from 'hono/html'

/** The part of the accounts Worker's AccountsRpc this app uses (see src/apps/rpc.ts there). */
type Accounts = {
  session(cookieHeader: string | null): Promise<{
    user: { id: string; email: string; name: string; emailVerified: boolean }
    session: { id: string; createdAt: number; expiresAt: number; fresh: boolean }
  } | null>
  signOut(cookieHeader: string | null): Promise<boolean>
}

type Env = { ACCOUNTS: Accounts; ACCOUNTS_URL: string }
type Person = NonNullable<Awaited<ReturnType<Accounts['session']>>>

const app = new Hono<{ Bindings: Env; Variables: { person: Person } }>()

app.use(csrf()) // "Cerrar sesión" is a POST: only from this app's own pages

// Every request asks the accounts Worker who this is: one RPC call, one D1
// round trip there. Nobody signed in goes to sign in, and comes back here.
app.use(async (c, next) => {
  const person = await c.env.ACCOUNTS.session(c.req.header('Cookie') ?? null)
  if (!person) {
    const login = new URL('/login', c.env.ACCOUNTS_URL)
    login.searchParams.set('next', c.req.url)
    return c.redirect(login.toString(), 303)
  }
  c.set('person', person)
  await next()
})

app.get('/', (c) => {
  const { user } = c.var.person
  return c.html(html`<!doctype html>
    <html lang="es">
      <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>CRM · Ecuabots</title></head>
      <body>
        <h1>Hola, ${user.name || user.email}</h1>
        <p>Está en el CRM de ejemplo, con la sesión de su cuenta de Ecuabots (${user.email}).</p>
        <form method="post" action="/salir"><button type="submit">Cerrar sesión</button></form>
      </body>
    </html>`)
})

// "Cerrar sesión" here ends the session on the accounts side too.
app.post('/salir', async (c) => {
  await c.env.ACCOUNTS.signOut(c.req.header('Cookie') ?? null)
  return c.redirect(new URL('/login', c.env.ACCOUNTS_URL).toString(), 303)
})

export default app
