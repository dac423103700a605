import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { mailById, newestMails } from '../mail/dev-mailbox'
import { DevMailboxPage } from '../../views/dev-mailbox-page'

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
  const mails = await newestMails(c.var.db, c.var.config)
  return c.html(<DevMailboxPage mails={mails} appUrl={c.var.config.appUrl.origin} />)
})

devMailboxRoutes.get('/dev/mail/:id/html', async (c) => {
  const mail = await mailById(c.var.db, c.var.config, c.req.param('id'))
  if (!mail) return c.notFound()
  // The mail's own inline styles, in a sandbox: no scripts, no forms.
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox allow-popups allow-top-navigation-by-user-activation")
  return c.html(mail.htmlBody)
})
