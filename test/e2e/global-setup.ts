import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort, runToEnd, startGroup, waitFor } from '../support/processes.mjs'
import { appsArgs, appsUrls, crmArgs } from '../../scripts/dev-commands.mjs'

/**
 * Starts, on free loopback ports: the Postmark-compatible sink
 * (test/support/postmark-sink.mjs) and `wrangler dev` on a fresh local D1,
 * with mail pointed at the sink. Each in its own process group, stopped by
 * group id at the end (never by name).
 */
export default async function setup(project: TestProject) {
  const sinkPort = await freePort()
  const appPort = await freePort()
  const appsPort = await freePort()
  const crmPort = await freePort()
  const state = mkdtempSync(join(tmpdir(), 'ecuabots-e2e-'))
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }
  const wrangler = join('node_modules', '.bin', 'wrangler')

  // The sink's JSON lines would drown the test report.
  const stopSink = startGroup(['node', 'test/support/postmark-sink.mjs', String(sinkPort)], env, 'ignore')
  await runToEnd([wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], env)
  const stopApp = startGroup(
    [
      wrangler, 'dev', '--port', String(appPort), '--persist-to', state, '--log-level', 'warn',
      '--var', `APP_URL:http://localhost:${appPort}`,
      '--var', 'POSTMARK_SERVER_TOKEN:e2e-server-token',
      '--var', 'SECRET_KEY:e2e-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      '--var', `POSTMARK_API_URL:http://127.0.0.1:${sinkPort}`,
    ],
    env,
  )
  // Apps (issue 13): the accounts Worker and examples/crm wired as
  // `npm run dev:apps` and `npm run dev:crm` wire them (scripts/dev-commands.mjs),
  // on free ports. A dev registry of their own, so the CRM binds to this accounts Worker.
  const appsState = join(state, 'apps')
  const appsEnv = { ...env, WRANGLER_REGISTRY_PATH: join(state, 'registry'), CLOUDFLARE_DEV_REGISTRY_PATH: undefined }
  const pair = { accounts: appsPort, crm: crmPort }
  const { accounts: appsUrl, crm: crmUrl } = appsUrls(pair)
  await runToEnd([wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', appsState], env)
  const stopApps = startGroup(
    [
      wrangler, ...appsArgs(pair, ['--persist-to', appsState, '--log-level', 'warn']),
      '--var', 'POSTMARK_SERVER_TOKEN:e2e-server-token',
      '--var', 'SECRET_KEY:e2e-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      '--var', `POSTMARK_API_URL:http://127.0.0.1:${sinkPort}`,
    ],
    appsEnv,
  )
  const stopCrm = startGroup(
    [wrangler, ...crmArgs(pair, ['--log-level', 'warn'])],
    appsEnv,
  )
  const baseUrl = `http://localhost:${appPort}`
  await waitFor(`${baseUrl}/login`, 90_000)
  await waitFor(`http://127.0.0.1:${sinkPort}/messages`, 10_000)
  // Node's resolver may not know *.localhost: readiness is checked on plain localhost.
  await waitFor(`http://localhost:${appsPort}/login`, 90_000)
  await waitFor(`http://localhost:${crmPort}/`, 90_000, { redirects: 'manual' })
  project.provide('baseUrl', baseUrl)
  project.provide('appsUrl', appsUrl)
  project.provide('crmUrl', crmUrl)
  project.provide('sinkUrl', `http://127.0.0.1:${sinkPort}`)
  // The app's local D1, for a walk that must age a session past what a browser can (test/e2e/phone-walk.e2e.ts).
  project.provide('appState', state)

  return () => {
    stopCrm()
    stopApps()
    stopApp()
    stopSink()
    rmSync(state, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    sinkUrl: string
    appsUrl: string
    crmUrl: string
    appState: string
  }
}
