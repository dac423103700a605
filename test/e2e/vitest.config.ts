import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// End-to-end tests: Node drives Debian's Chromium (playwright-core) against
// `wrangler dev`, which global-setup starts with a Postmark-compatible sink.
// Kept apart from `npm test` (workerd, seconds) because they take longer.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    environment: 'node',
    fileParallelism: false, // one wrangler dev, one Chromium at a time on 2 cores
    testTimeout: 120_000, // a ceiling: a test that signs up waits for mails on a shared, busy machine
    hookTimeout: 120_000,
    // What htmx swaps in takes a round trip to wrangler dev; with other
    // tests beside it, that can take longer than expect.poll's default 1 s.
    expect: { poll: { timeout: 10_000 } },
  },
})
