import { applyD1Migrations, env } from 'cloudflare:test'
import { afterEach, vi } from 'vitest'
import { postmark } from './helpers'

// A worker's files share one runtime and its D1 (test/vitest.config.ts,
// isolate: false): the first file applies the real migrations, the others
// find them applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

// Modules are shared by those files too: whatever a test mocked, stubbed or
// told the fake Postmark ends with it, even when the test fails before its
// own clean-up, so that no file inherits another's clock or outage.
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  postmark.failNext = null
  postmark.failWhen = null
})
