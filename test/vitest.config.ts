import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root,
  plugins: [
    // Vite does not read wrangler.toml's [[rules]]: load the same files as text here too.
    {
      name: 'text-modules',
      transform(code, id) {
        if (id.endsWith('htmx.min.js') || id.endsWith('common-passwords.txt')) {
          return { code: `export default ${JSON.stringify(code)}`, map: null }
        }
      },
    },
    cloudflareTest(async () => ({
      wrangler: { configPath: `${root}/wrangler.toml` },
      miniflare: {
        bindings: {
          // Mail goes through the real Postmark client to the fetch that
          // test/helpers/mail.ts injects; APP_URL differs from the request host
          // so a test can tell where links come from.
          APP_URL: 'https://cuentas.ecuabots.test',
          POSTMARK_SERVER_TOKEN: 'test-server-token',
          POSTMARK_API_URL: 'https://postmark.test',
          // Outbox bodies with a link are sealed with keys derived from it (src/crypto/keys.ts), as in production.
          SECRET_KEY: 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
          // POST /api/token (src/apps/app-tokens.ts): a test key, generated once for this file, never used anywhere else.
          TOKEN_AUDIENCES: 'crm, movil',
          TOKEN_SIGNING_KEYS: JSON.stringify([
            {
              kid: 'test-key-1',
              kty: 'EC',
              crv: 'P-256',
              x: 'ibesShalQCm65vsvBnn8U0MpJE-ygyX64dobR5SsoSg',
              y: 'hxl2eb3C1XE6dmAYzrZalbUO-arvaYq1goO9SxSGJhg',
              d: 'mjR6xztxUGvL85YJ3U_TFqRW4lzIKw_NfBX30xy51o8',
            },
          ]),
          // Work after a response waits 100 ms in production (src/http/after-response.ts) so its
          // timing cannot show; tests read each body whole before they wait for it, and 100 ms
          // for each of a thousand POSTs would triple the suite's time.
          AFTER_RESPONSE_SETTLE_MS: '0',
          // New password hashes at 1,000 PBKDF2 iterations instead of 100,000 (most of the suite's
          // time went to hashing), as Django's test settings use a fast hasher. Allowed only because
          // APP_URL is under .test (src/config); every hash records its count, the dummy hash follows
          // it (equal work), and test/password-iterations.test.ts holds production at 100,000.
          PASSWORD_ITERATIONS: '1000',
          TEST_MIGRATIONS: await readD1Migrations(`${root}/migrations`),
        },
        // This Worker's own AccountsRpc entrypoint, bound as an app would bind it, so tests call it over real Workers RPC.
        serviceBindings: { ACCOUNTS: { name: 'ecuabots-cuentas', entrypoint: 'AccountsRpc' } },
        // examples/crm's cached copy of names and addresses, for test/crm-events.test.ts (its queue consumer run here, in workerd).
        kvNamespaces: ['CRM_CACHE'],
      },
    })),
  ],
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // Each test makes real D1 round trips and PBKDF2 hashes in workerd; on a
    // busy two-core machine a few take over vitest's 5 s default without
    // anything being wrong. A hang still fails, after 20 s.
    testTimeout: 20_000,
    // One workerd runtime per worker, shared by the files it runs, instead of
    // one per file: starting a runtime and its D1 cost more than most files'
    // tests. Storage is therefore shared across files (one file at a time per
    // worker), so every test finds its own rows by its own addresses and ids
    // and never counts what other files left.
    isolate: false,
    // vitest's default is one worker less than the cores; the tests mostly
    // wait on workerd, so two runtimes on two cores keep both busy.
    maxWorkers: 2,
  },
})
