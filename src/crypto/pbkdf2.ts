/**
 * The password-hashing primitive and its parameters, on their own so the
 * benchmark's floor worker derives exactly what a sign-in derives.
 *
 * Production Workers refuse PBKDF2 above 100,000 iterations ("Pbkdf2 failed:
 * iteration counts above 100000 are not supported"); local workerd does not,
 * so test/passwords.test.ts holds this constant to the cap, and a stored
 * hash asking for more is refused before any derivation (src/auth/passwords.ts).
 * 100k is below OWASP's 600k for PBKDF2-SHA256, which is why an optional
 * pepper exists. PASSWORD_ITERATIONS is what every deployment hashes with;
 * only a test or local APP_URL may ask for fewer (src/config, PASSWORD_ITERATIONS).
 */
export const PBKDF2_MAX_ITERATIONS = 100_000
export const PASSWORD_ITERATIONS = 100_000
export const HASH_BITS = 256

export async function pbkdf2(secret: Uint8Array, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits'])
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BITS))
}
