import type { Bindings } from '../config/bindings'
import type { Config } from '../config'
import type { Database } from '../db/client'
import type { Outbox } from '../mail/outbox'
import type { EventSender } from '../auth/account-events'
import type { Session, User } from '../db/schema'

/**
 * Hono's typed context for this app: what a route or middleware reads as
 * c.env and c.var. It names the outbox and the session, so it sits with the
 * HTTP adapters, above the domain; the domain never imports it (it takes
 * plain values), and config reads the Worker's bindings from
 * config/bindings.ts.
 */
/** Per-request values set by middleware, read as c.var.* in handlers. */
export type Variables = {
  requestId: string
  config: Config
  db: Database
  outbox: Outbox
  /** Sends account events to the apps' queue (src/auth/account-events.ts). */
  events: EventSender
  /** Set by requireAuthentication, so present on every route behind it. */
  user: User
  session: Session
  /** What the page's declared reads read, read back with pageDataOf (see requireAuthentication). */
  pageData: { reads: unknown; data: unknown } | null
  /** Settles once the response's body has been handed on in full (see src/http/after-response.ts). */
  responseSent: Promise<void>
  /**
   * What this response did to the browser's session, last act wins: 'started'
   * by beginSession (chooseDatabase then hands the browser its bookmark),
   * 'ended' by clearSessionCookie (which forgets the bookmark with it).
   */
  sessionChange: 'started' | 'ended'
  /** The lazily resolved session (see currentSession). */
  resolvedSession: Promise<{ user: User; session: Session; pageData: unknown; renewed: boolean } | null>
}

export type AppEnv = { Bindings: Bindings; Variables: Variables }
