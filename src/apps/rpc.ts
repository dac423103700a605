import { WorkerEntrypoint } from 'cloudflare:workers'
import { readConfig, type Config } from '../config'
import { openDatabase, openDatabaseSession, type Database } from '../db/client'
import type { Bindings } from '../config/bindings'
import { bookmarkIn, lookUpSession, revokeUserSession, signOutSession, type SessionInfo } from './session-info'

/**
 * The door for Ecuabots' own Workers (the CRM, the chat center): Workers
 * RPC over a service binding —
 *   [[services]] binding = "ACCOUNTS", service = "ecuabots-cuentas", entrypoint = "AccountsRpc"
 * Only Workers of the same account that declare the binding can call it;
 * there is no public URL. Arguments and answers are plain values; nothing
 * returned ever opens the account (no cookie value, token or hash).
 */
export class AccountsRpc extends WorkerEntrypoint<Bindings> {
  /** The person behind a forwarded `Cookie` header, or null (expired, revoked, unknown, garbage). */
  async session(cookieHeader: string | null): Promise<SessionInfo | null> {
    const { config } = servicesOf(this.env)
    const header = typeof cookieHeader === 'string' ? cookieHeader : null
    // Like GET /api/session: from the nearest replica no older than the person's last write (docs/performance.md, "Read replicas").
    const { db } = openDatabaseSession(this.env.DB, 'nearest', bookmarkIn(config, header))
    return lookUpSession(db, config, header)
  }

  /** Ends the session behind this `Cookie` header (the app's "Cerrar sesión"); true if there was one. */
  async signOut(cookieHeader: string | null): Promise<boolean> {
    const { db, config } = servicesOf(this.env)
    return signOutSession(db, config, typeof cookieHeader === 'string' ? cookieHeader : null)
  }

  /** Ends one session of this user (e.g. "cerrar sesión en todas partes", one by one); true if it existed. */
  async revokeSession(userId: string, sessionId: string): Promise<boolean> {
    return revokeUserSession(servicesOf(this.env).db, userId, sessionId)
  }
}

// Built once per env (stable for the life of an isolate): session() is the
// most-called code in the system once apps ask on every request. `db` is the
// binding itself, so signOut and revokeSession act on the primary.
const services = new WeakMap<Bindings, { db: Database; config: Config }>()

function servicesOf(env: Bindings) {
  let built = services.get(env)
  if (!built) {
    built = { db: openDatabase(env.DB), config: readConfig(env) }
    services.set(env, built)
  }
  return built
}
