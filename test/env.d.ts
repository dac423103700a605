import type { Bindings } from '../src/config/bindings'

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[]
      /** This Worker's AccountsRpc, through a service binding to itself (test/vitest.config.ts). */
      ACCOUNTS: Service<import('../src/apps/rpc').AccountsRpc>
      /** examples/crm's cache (test/vitest.config.ts), for test/crm-events.test.ts. */
      CRM_CACHE: KVNamespace
    }
  }
}
