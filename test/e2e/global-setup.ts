import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

/**
 * Starts, on free loopback ports: the Postmark-compatible sink
 * (test/support/postmark-sink.mjs) and `wrangler dev` on a fresh local D1,
 * with mail pointed at the sink. Each in its own process group, stopped by
 * group id at the end (never by name).
 */
export default async function setup(project: TestProject) {
  const sinkPort = await freePort()
  const appPort = await freePort()
  const state = mkdtempSync(join(tmpdir(), 'ecuabots-e2e-'))
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }
  const wrangler = join('node_modules', '.bin', 'wrangler')

  const sink = start('node', ['test/support/postmark-sink.mjs', String(sinkPort)], env, 'ignore') // its JSON lines would drown the report
  await run(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], env)
  const app = start(
    wrangler,
    [
      'dev', '--port', String(appPort), '--persist-to', state, '--log-level', 'warn',
      '--var', `APP_URL:http://localhost:${appPort}`,
      '--var', 'POSTMARK_SERVER_TOKEN:e2e-server-token',
      '--var', `POSTMARK_API_URL:http://127.0.0.1:${sinkPort}`,
    ],
    env,
  )
  const baseUrl = `http://localhost:${appPort}`
  await waitFor(`${baseUrl}/login`, 90_000)
  await waitFor(`http://127.0.0.1:${sinkPort}/messages`, 10_000)
  project.provide('baseUrl', baseUrl)
  project.provide('sinkUrl', `http://127.0.0.1:${sinkPort}`)

  return () => {
    for (const child of [app, sink]) if (child.pid) try { process.kill(-child.pid, 'SIGTERM') } catch {}
    rmSync(state, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    sinkUrl: string
  }
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'inherit' | 'ignore' = 'inherit'): ChildProcess {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', stdout, 'inherit'] })
  child.unref()
  return child
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}
