import { env } from 'cloudflare:test'
import { vi } from 'vitest'
import { readConfig } from '../../src/config'
import { toBase64Url } from '../../src/crypto/encoding'

/**
 * The Worker's env as deployed, for a Browser: new password hashes at the
 * default PASSWORD_ITERATIONS (100,000) instead of the suite's 1,000
 * (test/vitest.config.ts). For the tests about the real cost of a hash.
 */
export const productionHashingEnv: typeof env = { ...env, PASSWORD_ITERATIONS: undefined }

/** How the suite's requests hash new passwords (its PASSWORD_ITERATIONS, no pepper). */
export const testHashing = () => readConfig(env).passwords

/** A stored hash as an older release would have made it: fewer iterations, no pepper. */
export async function legacyHash(password: string, iterations: number) {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return `pbkdf2-sha256$${iterations}$0$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(bits))}`
}

/** Records the iteration count of every PBKDF2 derivation the app asks WebCrypto for (restore with vi.restoreAllMocks). */
export function countPbkdf2() {
  const iterations: number[] = []
  const deriveBits = crypto.subtle.deriveBits.bind(crypto.subtle)
  vi.spyOn(crypto.subtle, 'deriveBits').mockImplementation((algorithm, key, length) => {
    if (typeof algorithm === 'object' && algorithm.name === 'PBKDF2') iterations.push((algorithm as { iterations: number }).iterations)
    return deriveBits(algorithm, key, length)
  })
  return iterations
}
