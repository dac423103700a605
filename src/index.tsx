import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { except } from 'hono/combine'
import { requestId } from 'hono/request-id'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import type { Bindings } from './config/bindings'
import type { AppEnv } from './env'
import { openDatabase } from './db/client'
import { runScheduled } from './maintenance'
import { readConfig } from './config'
import { outboxFor } from './mail/outbox'
import { createEventSender } from './auth/account-events'
import { routeOf } from './http/log'
import { describeError } from './log'
import { t } from './i18n'
import { provideContext } from './middleware/context'
import { chooseDatabase } from './middleware/database'
import { noStore, securityHeaders } from './middleware/security'
import { answerOnlyAppHost } from './middleware/local-only'
import { limitPerIp, RATE_LIMITED_FORMS } from './middleware/rate-limit'
import { currentSession } from './http/session'
import { requireAuthentication } from './middleware/require-authentication'
import { assetRoutes } from './routes/static-assets'
import { devMailboxRoutes } from './routes/dev-mailbox'
import { accessLinkRoutes } from './routes/access-links'
import { passkeyRoutes, passkeySignInRoutes } from './routes/passkeys'
import { passwordRoutes } from './routes/passwords'
import { emailChangeLinkRoutes, emailChangeRoutes } from './routes/email-change'
import { profileReads, profileRoutes, securityReads } from './routes/profile'
import { sessionRoutes } from './routes/sessions'
import { signupRoutes } from './routes/signup'
import { apiTokenRoutes } from './routes/api-token'
import { validationRoutes } from './routes/validation'
import { webhookRoutes } from './routes/webhooks'
import { apiRoutes } from './routes/api'
import { wellKnownRoutes } from './routes/well-known'
import { secondStepRoutes, twoStepRoutes } from './routes/two-step'
import { accountDeletedRoutes, accountRoutes } from './routes/account'
import { MessagePage } from '../views/message'
import { MAX_BODY_BYTES, MAX_WEBHOOK_BYTES } from './http/body-limits'
import { holdWorkUntilResponseSent } from './http/after-response'

/** Builds the app. Tests pass their own `fetch` to read what Postmark would receive. */
export function createApp(options: { fetch?: typeof fetch } = {}) {
  const app = new Hono<AppEnv>()

  // Order matters: Hono runs handlers in the order they are registered.
  app.use(answerOnlyAppHost) // development only: before anything can answer
  app.use(requestId())
  app.use(securityHeaders)
  app.route('/', assetRoutes) // static files: no cookie, no D1
  app.use(noStore)
  // Cross-site form posts are refused: hono/csrf checks Origin / Sec-Fetch-Site on every unsafe method.
  app.use(csrf())
  app.use(except('/webhooks/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.html(<TooLarge />, 413) })))
  // Postmark's bounce payloads may carry the bounced message ("include bounce content"): room for it.
  app.use('/webhooks/*', bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: (c) => c.json({ error: 'too large' }, 413) }))
  app.on('POST', [...RATE_LIMITED_FORMS], limitPerIp('AUTH_LIMITER'))
  // htmx inline checks: pure (no session, no D1, no mail, no hash), so, like a GET page, no
  // per-IP limiter either; the body limit above bounds what each may make us read.
  app.route('/', validationRoutes)

  app.use(holdWorkUntilResponseSent) // mails and lookups after the response wait for its body to be sent
  app.use(provideContext(options))
  app.use(chooseDatabase) // primary or nearest replica: the one place that decides
  app.route('/', wellKnownRoutes)
  app.route('/', apiTokenRoutes) // POST /api/token answers its own JSON 401; /.well-known/jwks.json is public
  app.route('/', webhookRoutes) // authenticated by Postmark's basic auth, not a session
  app.route('/', apiRoutes) // for apps: JSON, the session from the forwarded Cookie header
  app.get('/', async (c) => c.redirect((await currentSession(c)) ? '/profile' : '/login', 303))
  app.route('/', sessionRoutes)
  app.route('/', accessLinkRoutes)
  app.route('/', passkeySignInRoutes)
  app.route('/', signupRoutes)
  app.route('/', passwordRoutes)
  app.route('/', secondStepRoutes)
  app.route('/', emailChangeLinkRoutes) // the mailed links: opened signed out, often on another device
  app.route('/', devMailboxRoutes)
  app.route('/', accountDeletedRoutes) // signed out by then

  // Deny by default: every route registered below this line needs a session.
  app.use(requireAuthentication({ reads: { 'GET /profile': profileReads, 'POST /profile': profileReads, 'GET /security': securityReads, 'POST /profile/sessions/revoke-others': securityReads, ...TWO_STEP_READS, ...ACCOUNT_READS } }))
  app.route('/', profileRoutes)
  app.route('/', passkeyRoutes)
  app.route('/', twoStepRoutes)
  app.route('/', emailChangeRoutes)
  app.route('/', accountRoutes)

  app.notFound(async (c) => {
    const signedIn = c.var.db ? await currentSession(c) : null
    return c.html(<MessagePage title={t.errors.notFoundTitle} body={t.errors.notFound} links={home} user={signedIn?.user} />, 404)
  })
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status === 403) {
      return c.html(<MessagePage title={t.errors.forbiddenTitle} body={t.errors.forbidden} links={home} />, 403)
    }
    if (error instanceof HTTPException && error.status < 500) return error.getResponse()
    // Logged for `wrangler tail`; the person gets a plain page, never a stack trace.
    // The route pattern, not the path (it may hold a live token); the error's name and code, not its message (bound parameters).
    console.error(JSON.stringify({ event: 'request.error', requestId: c.get('requestId'), route: routeOf(c), error: describeError(error) }))
    return c.html(<MessagePage title={t.errors.serverTitle} body={t.errors.server} links={home} />, 500)
  })
  return app
}

/** The two-step forms that may show Seguridad again with an error read what it reads. */
const TWO_STEP_READS = { 'POST /security/two-step/setup': securityReads, 'POST /security/two-step/off': securityReads, 'POST /security/two-step/codes': securityReads }

/** "Sus datos" and "Eliminar la cuenta" show Seguridad again when a form comes back with an error. */
const ACCOUNT_READS = { 'POST /security/data': securityReads, 'POST /security/delete': securityReads }

const home = [{ href: '/', label: t.errors.goHome }]

function TooLarge() {
  return <MessagePage title={t.errors.tooLargeTitle} body={`${t.errors.tooLarge} ${t.errors.tooLargeLimits}`} links={home} />
}

/**
 * The Worker: pages, and the Cron Triggers — every minute the outbox sends
 * what is due and account events are re-sent, every hour the sweep drops
 * expired rows. `options.fetch` as
 * for createApp.
 */
export function createWorker(options: { fetch?: typeof fetch } = {}) {
  const app = createApp(options)
  return {
    fetch: app.fetch,
    async scheduled(controller: ScheduledController, env: Bindings) {
      const db = openDatabase(env.DB)
      await runScheduled(controller.cron, db, outboxFor(readConfig(env), db, options.fetch), createEventSender(db, env.ACCOUNT_EVENTS))
    },
  } satisfies ExportedHandler<Bindings>
}

export default createWorker()

// Workers RPC for Ecuabots' own Workers (see src/apps/rpc.ts).
export { AccountsRpc } from './apps/rpc'
