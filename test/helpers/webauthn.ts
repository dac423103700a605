import { isoCBOR } from '@simplewebauthn/server/helpers'
import { fromBase64Url, toBase64Url } from '../../src/crypto/encoding'
import { Browser, type Page } from './browser'
import { ORIGIN } from './origin'

// A software authenticator for the tests: a WebCrypto P-256 key per
// credential, "none" attestation, CBOR through the library's own helper.
// It signs whatever it is told to, so a test can play an attacker: another
// origin or RP ID, a stale challenge, no user verification, a counter that
// goes backwards, someone else's user handle.

export const RP_ID = new URL(ORIGIN).hostname

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 }
/** Google Password Manager's AAGUID: a synced passkey with a name in src/auth/passkey-names.ts. */
export const GOOGLE_AAGUID = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4'

type Tampering = {
  origin?: string
  rpId?: string
  userVerified?: boolean
  /** A different challenge than the options gave. */
  challenge?: string
  /** clientDataJSON's type: webauthn.create / webauthn.get. */
  type?: string
}

export class SoftAuthenticator {
  readonly credentialId = toBase64Url(crypto.getRandomValues(new Uint8Array(16)))
  /** What the authenticator stored at registration: the account's user handle (base64url). */
  userHandle: string | null = null

  private constructor(
    private readonly keys: CryptoKeyPair,
    /** The sign count it reports next; `null`-like 0 forever for a synced passkey. */
    public counter: number,
    private readonly options: { aaguid: string; counting: boolean; synced: boolean },
  ) {}

  static async create(options: { counter?: number; counting?: boolean; aaguid?: string; synced?: boolean } = {}) {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    return new SoftAuthenticator(keys, options.counter ?? 0, {
      aaguid: options.aaguid ?? '00000000-0000-0000-0000-000000000000',
      counting: options.counting ?? false,
      synced: options.synced ?? false,
    })
  }

  /** navigator.credentials.create, as PublicKeyCredential.toJSON() would give it. */
  async register(options: CreationOptions, tampering: Tampering = {}) {
    this.userHandle = options.user.id
    const clientDataJSON = clientData(tampering.type ?? 'webauthn.create', tampering.challenge ?? options.challenge, tampering.origin)
    const authData = concat(await this.authenticatorData(tampering, FLAG.AT), await this.attestedCredentialData())
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never)
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: { clientDataJSON: toBase64Url(clientDataJSON), attestationObject: toBase64Url(attestationObject), transports: ['internal'] },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    }
  }

  /** navigator.credentials.get: signs authenticatorData ‖ SHA-256(clientDataJSON). */
  async assert(options: { challenge: string }, tampering: Tampering & { userHandle?: string | null } = {}) {
    if (this.options.counting) this.counter++
    const clientDataJSON = clientData(tampering.type ?? 'webauthn.get', tampering.challenge ?? options.challenge, tampering.origin)
    const authData = await this.authenticatorData(tampering, 0)
    const signed = concat(authData, new Uint8Array(await crypto.subtle.digest('SHA-256', clientDataJSON)))
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, signed))
    const userHandle = tampering.userHandle === undefined ? this.userHandle : tampering.userHandle
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: toBase64Url(clientDataJSON),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(derSignature(signature)),
        ...(userHandle ? { userHandle } : {}),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    }
  }

  private async authenticatorData(tampering: Tampering, extraFlags: number) {
    const rpIdHash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tampering.rpId ?? RP_ID)))
    const backup = this.options.synced ? FLAG.BE | FLAG.BS : 0
    const flags = FLAG.UP | (tampering.userVerified === false ? 0 : FLAG.UV) | backup | extraFlags
    const count = new Uint8Array(4)
    new DataView(count.buffer).setUint32(0, this.counter)
    return concat(rpIdHash, Uint8Array.of(flags), count)
  }

  private async attestedCredentialData() {
    const raw = new Uint8Array((await crypto.subtle.exportKey('raw', this.keys.publicKey)) as ArrayBuffer) // 0x04 ‖ x ‖ y
    const coseKey = isoCBOR.encode(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, raw.slice(1, 33)], [-3, raw.slice(33, 65)]]) as never)
    const id = fromBase64Url(this.credentialId)
    const length = new Uint8Array(2)
    new DataView(length.buffer).setUint16(0, id.length)
    return concat(uuidBytes(this.options.aaguid), length, id, coseKey)
  }
}

export type CreationOptions = { challenge: string; user: { id: string; name: string; displayName: string }; rp: { id: string; name: string } } & Record<string, unknown>

function clientData(type: string, challenge: string, origin = ORIGIN) {
  return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
}

function concat(...parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function uuidBytes(uuid: string) {
  return Uint8Array.from(uuid.replaceAll('-', '').match(/../g)!, (pair) => parseInt(pair, 16))
}

/** WebCrypto's ECDSA signature is r ‖ s; WebAuthn carries it as ASN.1 DER. */
function derSignature(raw: Uint8Array) {
  const integer = (bytes: Uint8Array) => {
    let start = 0
    while (start < bytes.length - 1 && bytes[start] === 0) start++
    const trimmed = bytes.slice(start)
    const body = trimmed[0]! & 0x80 ? concat(Uint8Array.of(0), trimmed) : trimmed
    return concat(Uint8Array.of(0x02, body.length), body)
  }
  const sequence = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)))
  return concat(Uint8Array.of(0x30, sequence.length), sequence)
}

// The ceremonies through the Worker's front door, as the browser module does them.

export function json(page: Page) {
  return JSON.parse(page.text) as Record<string, unknown> & { error?: string; redirect?: string }
}

/** POST /profile/passkeys/options (with the current password when given). */
export async function registrationOptions(browser: Browser, fields: Record<string, string> = {}) {
  const page = await browser.post('/profile/passkeys/options', fields)
  return { page, options: page.status === 200 ? (JSON.parse(page.text) as CreationOptions) : null }
}

/** The whole registration: options, the authenticator, the response posted back. */
export async function addPasskey(browser: Browser, authenticator: SoftAuthenticator, tampering: Tampering = {}) {
  const { page, options } = await registrationOptions(browser)
  if (!options) throw new Error(`registration options refused: ${page.status} ${page.text}`)
  return browser.post('/profile/passkeys', { credential: JSON.stringify(await authenticator.register(options, tampering)) })
}

export async function signInOptions(browser: Browser) {
  return JSON.parse((await browser.post('/login/passkey/options')).text) as { challenge: string; rpId: string; userVerification: string; allowCredentials?: unknown[] }
}

/** The whole sign-in: options, the authenticator's assertion, the response posted back. */
export async function signInWithPasskey(browser: Browser, authenticator: SoftAuthenticator, tampering: Tampering & { userHandle?: string | null; next?: string } = {}) {
  const options = await signInOptions(browser)
  const credential = await authenticator.assert(options, tampering)
  return browser.post('/login/passkey', { credential: JSON.stringify(credential), ...(tampering.next !== undefined ? { next: tampering.next } : {}) })
}
