// Helpers for the scripts that run servers on this machine (browser tests,
// benchmark): free loopback ports, readiness, and child processes that each
// get their own process group, stopped by group id (never by name).
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** @returns {Promise<number>} a port that was free on 127.0.0.1 a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address())
      server.close(() => resolve(address.port))
    })
    server.on('error', reject)
  })
}

/**
 * Resolves once `url` answers 2xx (or, with `redirects: 'manual'`, any
 * answer below 500: a page that redirects when nobody is signed in); rejects
 * after `timeoutMs`.
 * @param {string} url
 * @param {number} timeoutMs
 * @param {{ redirects?: 'manual' }} [options]
 */
export async function waitFor(url, timeoutMs, options = {}) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(url, { redirect: options.redirects === 'manual' ? 'manual' : 'follow' })
      if (answer.ok || (options.redirects === 'manual' && answer.status < 500)) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`)
}

/**
 * Starts a long-running command in its own process group (setsid) and
 * returns a function that stops the whole group (its `pgid`: the group's id).
 * @param {string[]} command
 * @param {NodeJS.ProcessEnv} env
 * @param {'inherit' | 'ignore'} [stdout]
 */
export function startGroup(command, env, stdout = 'inherit') {
  const child = spawn(command[0], command.slice(1), { env, detached: true, stdio: ['ignore', stdout, 'inherit'] })
  child.unref()
  const stop = () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {}
    }
  }
  // The group's id is the child's pid (setsid): the bench reads the group's CPU time by it.
  return Object.assign(stop, { pgid: child.pid })
}

/**
 * Runs a command to completion; rejects on a non-zero exit.
 * @param {string[]} command
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<void>}
 */
export function runToEnd(command, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'ignore', 'inherit'] })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command.join(' ')} exited ${code}`))))
  })
}
