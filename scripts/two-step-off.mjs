// Support turns two-step off for one account whose owner lost the phone and
// the recovery codes (docs/operations.md, "Two-step: a lost phone"):
//
//   npm run two-step:off -- --email ana@example.com --operator "María (soporte)" [--evict] [--dry-run] [--remote]
//
// --evict when someone else turned it on (an intruder who had the password):
// every session, known browser, link and passkey ends too, and the password
// is cleared; the owner comes back through "Olvidé mi contraseña".
//
// It runs the app's own code (src/support/two-step-off.ts, bundled here with
// the esbuild that wrangler uses) against D1 through wrangler's platform
// proxy: the local database that `npm run dev` uses, or with --remote the
// one in wrangler.toml (a remote binding: D1 runs the batch, so it commits
// whole or not at all). The owner's activity names the operator; the mail
// to the owner waits in the outbox for the next minute's cron.
import { build } from 'esbuild'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { getPlatformProxy, unstable_readConfig } from 'wrangler'

const { values: options } = parseArgs({
  options: {
    email: { type: 'string' },
    operator: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    // Someone else turned it on: also end every session, known browser, link and passkey, and clear the password.
    evict: { type: 'boolean', default: false },
    remote: { type: 'boolean', default: false },
    // Where the local D1 lives, as wrangler's own --persist-to (tests point it at their own copy).
    'persist-to': { type: 'string' },
  },
})
if (!options.email || !options.operator) {
  console.error('Uso: npm run two-step:off -- --email <dirección> --operator <quién> [--evict] [--dry-run] [--remote]')
  process.exit(2)
}

// Inside node_modules, so the bundle's own imports of packages resolve there.
const cache = new URL('../node_modules/.cache/', import.meta.url).pathname
await mkdir(cache, { recursive: true })
const work = await mkdtemp(join(cache, 'two-step-off-'))
try {
  const entry = join(work, 'two-step-off.mjs')
  await build({
    entryPoints: [new URL('../src/support/two-step-off.ts', import.meta.url).pathname],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    outfile: entry,
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    loader: { '.txt': 'text' },
    logLevel: 'error',
  })
  const { twoStepOff } = await import(entry)
  const proxy = await getPlatformProxy({ ...(await target(work)), envFiles: [] })
  try {
    const result = await twoStepOff(proxy.env, { email: options.email, operator: options.operator, dryRun: options['dry-run'], evict: options.evict })
    console.log(describe(result))
    process.exitCode = result.outcome === 'turned-off' || result.outcome === 'would-turn-off' ? 0 : result.outcome === 'invalid' ? 2 : 1
  } finally {
    await proxy.dispose()
  }
} finally {
  await rm(work, { recursive: true, force: true })
}

/** The platform proxy's options: the local D1 (as `npm run dev` keeps it), or the remote one named in wrangler.toml. */
async function target(work) {
  if (!options.remote) return { remoteBindings: false, ...(options['persist-to'] ? { persist: { path: join(options['persist-to'], 'v3') } } : {}) }
  const config = unstable_readConfig({ config: 'wrangler.toml' })
  const configPath = join(work, 'wrangler.json')
  await writeFile(
    configPath,
    JSON.stringify({
      name: config.name,
      compatibility_date: config.compatibility_date,
      vars: config.vars,
      d1_databases: config.d1_databases.map((database) => ({ ...database, remote: true })),
    }),
  )
  return { configPath, remoteBindings: true }
}

const EVICTED = 'Cerradas todas las sesiones, quitadas las llaves de acceso, desactivada la verificación en dos pasos y anulada la contraseña'
const EVICTED_WOULD = 'cerrarían todas las sesiones, se quitarían las llaves de acceso, se desactivaría la verificación en dos pasos y se anularía la contraseña'

function describe(result) {
  switch (result.outcome) {
    case 'invalid':
      return result.message
    case 'no-account':
      return `No hay cuenta con ${result.email}. Nada cambió.`
    case 'already-off':
      return `${result.email} no tiene la verificación en dos pasos activada. Nada cambió.`
    case 'changed-meanwhile':
      return `La verificación en dos pasos de ${result.email} cambió mientras tanto. Nada cambió: vuelva a ejecutar el comando.`
    case 'would-turn-off':
      return `Se ${options.evict ? EVICTED_WOULD : 'desactivaría la verificación en dos pasos'} de ${result.email} (sin --dry-run): actividad con su nombre y ${result.mails} correo a la cuenta.`
    case 'turned-off':
      return `${options.evict ? EVICTED : 'Desactivada la verificación en dos pasos'} de ${result.email}. Quedó en su actividad, con su nombre, y le avisamos por correo (${result.mails} en la bandeja de salida).`
  }
}
