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
// and its exit code). No browser and no server.

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
  // An account as the app leaves it with two-step on: a sealed secret, recovery codes, a browser that skips the code.
  await wrangler(
    'd1', 'execute', 'DB', '--local', '--command',
    `INSERT INTO users (id, email, name, password_hash, email_verified_at, created_at, updated_at, two_step_secret, two_step_last_step)
       VALUES ('u1', 'ana@example.com', 'Ana', 'x', 1, 1, 1, 'sellado', 1);
     INSERT INTO recovery_codes (user_id, code_hash) VALUES ('u1', 'h1'), ('u1', 'h2');
     INSERT INTO known_devices (user_id, device_hash, created_at, second_step_skipped_until) VALUES ('u1', 'd1', 1, 99999999999999);`,
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

  it('turns it off in the local D1: secret, codes and skips gone, the event names the operator, the mail waits in the outbox; a second run finds it off', async () => {
    expect(await twoStepOff('--email', ' Ana@Example.com ', '--operator', 'María Torres')).toEqual({
      code: 0,
      said: 'Desactivada la verificación en dos pasos de ana@example.com. Quedó en su actividad, con su nombre, y le avisamos por correo (1 en la bandeja de salida).',
    })
    // One query (each wrangler call costs seconds): what the account holds now.
    const [after] = await query(
      `SELECT (SELECT two_step_secret FROM users WHERE id = 'u1') AS secret,
              (SELECT COUNT(*) FROM recovery_codes WHERE user_id = 'u1') AS codes,
              (SELECT second_step_skipped_until FROM known_devices WHERE user_id = 'u1') AS skippedUntil,
              (SELECT json_group_array(json_array(type, detail, ip)) FROM security_events WHERE user_id = 'u1') AS events,
              (SELECT json_group_array(json_array(kind, recipient, status)) FROM outbox) AS mails`,
    )
    expect({ ...after, events: JSON.parse(after.events), mails: JSON.parse(after.mails) }).toEqual({
      secret: null,
      codes: 0,
      skippedUntil: null,
      events: [['two_step_disabled_by_support', '{"operator":"María Torres"}', null]],
      mails: [['two-step-off-by-support', 'ana@example.com', 'pending']],
    })
    expect(await twoStepOff('--email', 'ana@example.com', '--operator', 'María Torres')).toEqual({
      code: 1,
      said: 'ana@example.com no tiene la verificación en dos pasos activada. Nada cambió.',
    })
  }, 60_000)
})
