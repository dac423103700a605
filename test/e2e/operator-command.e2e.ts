import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Issue 21: `npm run two-step:off` as support runs it, against a local D1 of
// its own (the command's logic is tested in workerd in
// test/two-step-by-support.test.ts; this is the command itself: bundling the
// app's code, wrangler's platform proxy, where the data lives, what it says
// and its exit code). No browser and no server. Turning it off for real, on
// the running app's D1, is walked in e2e/two-step.e2e.ts.

const run = promisify(execFile)
let state: string

const wrangler = (...args: string[]) => run('npx', ['wrangler', ...args, '--persist-to', state], { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
const query = async (sql: string) => JSON.parse((await wrangler('d1', 'execute', 'DB', '--local', '--json', '--command', sql)).stdout)[0].results
const twoStepOff = (...args: string[]) =>
  run('node', ['scripts/two-step-off.mjs', ...args, '--persist-to', state]).then(
    ({ stdout }) => ({ code: 0, said: stdout.trim() }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, said: `${error.stdout}${error.stderr}`.trim() }),
  )

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'operator-command-'))
  await wrangler('d1', 'migrations', 'apply', 'DB', '--local')
  // An account with two-step on (the command reads only whether a secret is there).
  await wrangler(
    'd1', 'execute', 'DB', '--local', '--command',
    `INSERT INTO users (id, email, name, password_hash, email_verified_at, created_at, updated_at, two_step_secret, two_step_last_step)
       VALUES ('u1', 'ana@example.com', 'Ana', 'x', 1, 1, 1, 'sellado', 1)`,
  )
}, 120_000)

afterAll(() => rm(state, { recursive: true, force: true }))

describe('npm run two-step:off', () => {
  it('without --email or --operator it says how to use it and exits 2', async () => {
    const answer = await twoStepOff('--email', 'ana@example.com')
    expect(answer).toEqual({ code: 2, said: expect.stringContaining('Uso: npm run two-step:off -- --email <dirección> --operator <quién>') })
  })

  it('--dry-run says what it would do and changes nothing; an unknown address says so and exits 1', async () => {
    expect(await twoStepOff('--email', 'ana@example.com', '--operator', 'María', '--dry-run')).toEqual({
      code: 0,
      said: 'Se desactivaría la verificación en dos pasos de ana@example.com (sin --dry-run): actividad con su nombre y 1 correo a la cuenta.',
    })
    expect(await twoStepOff('--email', 'nadie@example.com', '--operator', 'María')).toEqual({ code: 1, said: 'No hay cuenta con nadie@example.com. Nada cambió.' })
    expect(await query("SELECT two_step_secret FROM users WHERE id = 'u1'")).toEqual([{ two_step_secret: 'sellado' }])
  }, 60_000)
})
