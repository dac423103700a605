import { fromBase64Url, toBase64Url } from './encoding'

/**
 * Keys derived from the one master secret, SECRET_KEY — what Rails calls
 * `secret_key_base` and Django `SECRET_KEY`. Nothing encrypts with the
 * master secret itself: each use gets its own key from HKDF-SHA256 with a
 * purpose label as `info`, so a key for one purpose never opens another's
 * data, and a new purpose never needs a new secret. PASSWORD_PEPPER stays
 * apart on purpose: losing it locks out peppered passwords, losing
 * SECRET_KEY only loses mails still waiting in the outbox.
 */
export type KeyPurpose = 'outbox-body' | 'two-step-secret' | 'd1-bookmark'

/** The secrets a keyring is made of: SECRET_KEY seals and opens, SECRET_KEY_PREVIOUS (during a rotation) only opens. */
export type SecretKeys = { current: string | null; previous: string | null }

/**
 * Seals and opens text for one purpose: AES-256-GCM, a random 96-bit IV per
 * call, and the caller's `context` (a row id) as associated data, so a
 * sealed value copied into another row does not open there.
 */
export type Keyring = {
  canSeal: boolean
  seal(plaintext: string, context: string): Promise<string>
  /** The plaintext, or null when no key of the ring opens it (a lost or rotated-away key) or it was tampered with. */
  open(sealed: string, context: string): Promise<string | null>
}

/** Sealed values say what they are; `v1` = HKDF-SHA256 → AES-256-GCM, IV and ciphertext in base64url. */
const PREFIX = 'sealed:v1:'

export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX)
}

/**
 * A keyring for `purpose`. Keys are derived on first use and kept, so an
 * isolate pays for HKDF once (like config), never per mail.
 */
export function createKeyring(secrets: SecretKeys, purpose: KeyPurpose): Keyring {
  let keys: Promise<{ current: CryptoKey | null; all: CryptoKey[] }> | undefined
  const derived = () =>
    (keys ??= (async () => {
      const current = secrets.current === null ? null : await deriveKey(secrets.current, purpose)
      const previous = secrets.previous === null ? null : await deriveKey(secrets.previous, purpose)
      return { current, all: [current, previous].filter((key) => key !== null) }
    })())
  const encoder = new TextEncoder()
  return {
    canSeal: secrets.current !== null,
    async seal(plaintext, context) {
      const { current } = await derived()
      if (!current) throw new Error('SECRET_KEY is not set: nothing to seal with')
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, current, encoder.encode(plaintext))
      return `${PREFIX}${toBase64Url(iv)}:${toBase64Url(new Uint8Array(sealed))}`
    },
    async open(sealed, context) {
      if (!isSealed(sealed)) return null
      const [iv, data] = sealed.slice(PREFIX.length).split(':')
      if (!iv || !data) return null
      // During a rotation rows sealed before it carry the previous key: GCM's tag tells which one fits.
      for (const key of (await derived()).all) {
        try {
          const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: encoder.encode(context) }, key, fromBase64Url(data))
          return new TextDecoder().decode(plain)
        } catch {}
      }
      return null
    },
  }
}

/** HKDF's `info` names the app, the purpose and a version, so each purpose (and each future scheme) has a key of its own. */
async function deriveKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    // An empty salt is what RFC 5869 allows for a high-entropy secret; the purpose label does the separating.
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(`ecuabots-cuentas/${purpose}/v1`) },
    master,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}
