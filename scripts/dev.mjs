// @ts-check
// `npm run dev [-- --port N …]`, `npm run dev:apps`, `npm run dev:crm`:
// runs `wrangler dev` with the arguments scripts/dev-commands.mjs gives,
// and this project's own dev registry. wrangler has no way to make a var
// follow `--port`, hence this small wrapper.
//
//   node scripts/dev.mjs [wrangler dev options]   this Worker; APP_URL follows --port
//   node scripts/dev.mjs apps [options]           the accounts Worker for the Apps pair
//   node scripts/dev.mjs crm [options]            examples/crm, bound to that Worker
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { APPS_PORTS, appsArgs, crmArgs, DEV_OPTIONS, devArgs, devRegistryEnv } from './dev-commands.mjs'

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const [first, ...rest] = process.argv.slice(2)
const args = first === 'apps' ? appsArgs(APPS_PORTS, [...DEV_OPTIONS, ...rest]) : first === 'crm' ? crmArgs(APPS_PORTS, rest) : devArgs(process.argv.slice(2))

const wrangler = fileURLToPath(new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url))
const env = devRegistryEnv(root, process.env)
console.log(`wrangler ${args.join(' ')}  (dev registry: ${env.WRANGLER_REGISTRY_PATH})`)
// In the terminal's process group: Ctrl-C reaches wrangler by itself (this
// only waits for it to stop); a SIGTERM sent to this process is passed on.
const child = spawn(process.execPath, [wrangler, ...args], { cwd: root, env, stdio: 'inherit' })
process.on('SIGINT', () => {})
process.on('SIGTERM', () => child.kill('SIGTERM'))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
