import { sha256Hex, toBase64Url } from '../crypto/encoding'

/**
 * A fresh secret for a URL or a cookie: 32 bytes from the platform CSPRNG
 * (never cuid2, which is for row ids), plus the SHA-256 digest that is the
 * only thing we store. SHA-256 without salt is enough here because the
 * secret itself has 256 bits of entropy; nothing can be guessed from it.
 */
export async function generateSecret(): Promise<{ secret: string; hash: string }> {
  const secret = toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
  return { secret, hash: await sha256Hex(secret) }
}

/** Our secrets are exactly 43 base64url characters; anything else is refused before hashing or querying. */
export function isWellFormedSecret(value: string | undefined | null): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value)
}

export { sha256Hex as hashSecret }
