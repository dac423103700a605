import type { Config } from '../config'
import { createKeyring, isSealed, type Keyring } from '../crypto/keys'

/**
 * No live link at rest. A body that carries a reset, verification or
 * access link, or a code, is stored sealed (src/crypto/keys.ts) under the
 * row id, and opened only to be sent — and, locally, to be shown in the dev
 * mailbox. A leaked D1 then holds ciphertext; the key lives in SECRET_KEY,
 * outside the database.
 */
export type MailBodies = { text: string; html: string }

const keyrings = new WeakMap<Config, Keyring>()

/** The outbox's keyring, derived once per configuration (so once per isolate, like config itself). */
export function outboxKeyring(config: Config): Keyring {
  let keyring = keyrings.get(config)
  if (!keyring) {
    keyring = createKeyring(config.secretKeys, 'outbox-body')
    keyrings.set(config, keyring)
  }
  return keyring
}

export const MISSING_KEY = 'SECRET_KEY is not set: a mail with a link or code waits until it is'

/**
 * What each sealed body is bound to (the AES-GCM associated data): its row,
 * its recipient, its kind and which body it is. A sealed body opens only
 * where it was written — copied to another row, or left in place while
 * someone with write access to D1 but not SECRET_KEY re-addresses the row
 * to himself, it does not open, and the mail waits instead of delivering
 * someone's live link to someone else.
 */
type SealedFor = { id: string; recipient: string; kind: string }

function context(row: SealedFor, part: 'text' | 'html') {
  return [row.id, row.recipient, row.kind, part].join('\n')
}

/**
 * Both bodies sealed, bound to the row (see SealedFor). Without
 * SECRET_KEY (outside local development) there is nothing to seal with:
 * the mail is still written — dropping it could lock its reader out — but
 * it is not sent until the key is set (see openBodies), and this is said
 * loudly, once per mail, so the operator notices at the first one.
 */
export async function sealBodies(keyring: Keyring, row: SealedFor, bodies: MailBodies): Promise<MailBodies> {
  if (!keyring.canSeal) {
    console.error(JSON.stringify({ event: 'mail.config_error', outbox: row.id, tag: row.kind, message: MISSING_KEY }))
    return bodies
  }
  return { text: await keyring.seal(bodies.text, context(row, 'text')), html: await keyring.seal(bodies.html, context(row, 'html')) }
}

/**
 * What a row's bodies are to send, or why they cannot be sent yet: sealed
 * under a key that is neither SECRET_KEY nor SECRET_KEY_PREVIOUS, or
 * written without a key while none is set. A body from before sealing
 * existed is sent as it is once a key is set.
 */
export async function openBodies(
  keyring: Keyring,
  row: SealedFor & { holdsSecret: boolean; textBody: string; htmlBody: string },
): Promise<MailBodies | { problem: string }> {
  const stored = { text: row.textBody, html: row.htmlBody }
  if (!row.holdsSecret) return stored
  if (!isSealed(row.textBody)) return keyring.canSeal ? stored : { problem: MISSING_KEY }
  const [text, html] = await Promise.all([keyring.open(row.textBody, context(row, 'text')), keyring.open(row.htmlBody, context(row, 'html'))])
  if (text === null || html === null) {
    return { problem: keyring.canSeal ? 'sealed with a key that is neither SECRET_KEY nor SECRET_KEY_PREVIOUS' : MISSING_KEY }
  }
  return { text, html }
}

/**
 * For a row that goes on waiting: bodies it holds unsealed (written while no
 * key was set, or before sealing existed) get sealed now that a key is.
 */
export async function sealedAtRest(keyring: Keyring, row: SealedFor & { holdsSecret: boolean; textBody: string; htmlBody: string }) {
  if (!row.holdsSecret || isSealed(row.textBody) || !keyring.canSeal) return {}
  const bodies = await sealBodies(keyring, row, { text: row.textBody, html: row.htmlBody })
  return { textBody: bodies.text, htmlBody: bodies.html }
}
