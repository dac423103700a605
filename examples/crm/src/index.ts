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

/** What the accounts Worker puts on the ACCOUNT_EVENTS queue (see src/auth/account-events.ts there, and docs/apps.md). */
export type AccountEvent = { id: string; type: 'account.email_changed' | 'account.deleted' | 'account.password_changed' | 'session.revoked'; accountId: string; at: number }

/**
 * CRM_CACHE: the CRM's own copy of each person's name and address, keyed by
 * account id, as a real app keeps one to show in lists without asking the
 * accounts Worker for every row.
 */
type Env = { ACCOUNTS: Accounts; ACCOUNTS_URL: string; CRM_CACHE: KVNamespace }

/** The cached copy of an account's name and address. */
export const cacheKey = (accountId: string) => `cuenta:${accountId}`
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
  // The copy the CRM shows elsewhere (contact lists, conversation headers): refreshed on each visit, dropped by the queue consumer below.
  c.executionCtx.waitUntil(c.env.CRM_CACHE.put(cacheKey(person.user.id), JSON.stringify({ name: person.user.name, email: person.user.email })))
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

/**
 * The ACCOUNT_EVENTS consumer (wrangler.toml [[queues.consumers]]): an
 * address that changed or an account that is gone drops the cached copy,
 * so the CRM never shows an old address or keeps a deleted person's name.
 * The next visit caches the new one. Dropping twice is harmless, so a
 * message delivered twice needs no bookkeeping. A password change or a
 * closed session changes nothing cached here: the session is asked on
 * every request anyway.
 */
export async function queue(batch: MessageBatch<AccountEvent>, env: Pick<Env, 'CRM_CACHE'>) {
  for (const message of batch.messages) {
    const event = message.body
    if (event.type === 'account.email_changed' || event.type === 'account.deleted') await env.CRM_CACHE.delete(cacheKey(event.accountId))
    message.ack()
  }
}

export default { fetch: app.fetch, queue } satisfies ExportedHandler<Env, AccountEvent>
