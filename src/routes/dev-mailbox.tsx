import { desc, eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { outbox, type OutboxRow } from '../db/schema'
import type { AppEnv } from '../env'
import { openBodies, outboxKeyring } from '../mail/sealed-bodies'
import type { Keyring } from '../crypto/keys'
import { DevMailboxPage } from '../../views/dev-mailbox'

/**
 * Local development only (config.devMailbox): the outbox itself, with each
 * mail's status, attempts and last error, its text (links clickable) and its
 * HTML. Everywhere else these paths are 404.
 */
export const devMailboxRoutes = new Hono<AppEnv>()

devMailboxRoutes.use('/dev/*', async (c, next) => {
  if (!c.var.config.devMailbox) return c.notFound()
  await next()
})

devMailboxRoutes.get('/dev/mail', async (c) => {
  const rows = await c.var.db.select().from(outbox).orderBy(desc(outbox.createdAt)).limit(50)
  const mails = await Promise.all(rows.map((row) => opened(outboxKeyring(c.var.config), row)))
  return c.html(<DevMailboxPage mails={mails} appUrl={c.var.config.appUrl.origin} />)
})

devMailboxRoutes.get('/dev/mail/:id/html', async (c) => {
  const row = await c.var.db.select().from(outbox).where(eq(outbox.id, c.req.param('id'))).get()
  if (!row) return c.notFound()
  const mail = await opened(outboxKeyring(c.var.config), row)
  // The mail's own inline styles, in a sandbox: no scripts, no forms.
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox allow-popups allow-top-navigation-by-user-activation")
  return c.html(mail.htmlBody)
})

/** The row as the developer reads it: sealed bodies opened (D1 keeps them sealed, as in production). */
async function opened(keyring: Keyring, row: OutboxRow): Promise<OutboxRow> {
  const bodies = await openBodies(keyring, row)
  return 'problem' in bodies ? row : { ...row, textBody: bodies.text, htmlBody: bodies.html }
}
