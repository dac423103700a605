import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import type { Config } from '../config'
import { fromBase64Url } from '../crypto/encoding'

/**
 * @simplewebauthn/server, loaded on first use. Its attestation formats bring
 * certificate parsing (ASN.1 schemas built when the module is evaluated):
 * the code is in the bundle either way, but only an isolate that actually
 * serves a passkey request pays for evaluating it, not every cold start of
 * the login page.
 */
export const webauthnLibrary = () => import('@simplewebauthn/server')

/** base64url to bytes, as the library's types want them (backed by a plain ArrayBuffer). */
export function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(fromBase64Url(text))
}

/**
 * What every response is verified against, for both ceremonies: the origins
 * and RP ID from config (never the request's Host header, which a proxy or
 * an attacker may set), and user verification (a passkey is the whole
 * sign-in, not a second factor, so "someone touched the key" is not enough).
 */
export function expectedBy(config: Config, challenge: string) {
  return { expectedChallenge: challenge, expectedOrigin: config.webauthn.origins, expectedRPID: config.webauthn.rpId, requireUserVerification: true }
}

/** The key types we offer and accept: Ed25519, P-256, RSA (the library's defaults, pinned so both ceremonies agree). */
export const ALGORITHMS = [-8, -7, -257]

/** The browser's description of a credential, as the form posts it (`credential`: the JSON of PublicKeyCredential.toJSON()). */
export function parseRegistrationResponse(text: string | undefined) {
  const parsed = parseCredential(text, ['clientDataJSON', 'attestationObject'])
  return parsed as (RegistrationResponseJSON & { challenge: string }) | null
}

export function parseAuthenticationResponse(text: string | undefined) {
  const parsed = parseCredential(text, ['clientDataJSON', 'authenticatorData', 'signature'])
  return parsed as (AuthenticationResponseJSON & { challenge: string }) | null
}

/**
 * Checks only the shape (strings where strings belong) and reads the
 * challenge out of clientDataJSON, so the challenge can be spent before any
 * cryptography runs. Everything else is the library's to verify.
 */
function parseCredential(text: string | undefined, fields: string[]) {
  try {
    const value = JSON.parse(text ?? '') as { id?: unknown; rawId?: unknown; type?: unknown; response?: Record<string, unknown> }
    if (typeof value.id !== 'string' || typeof value.rawId !== 'string' || value.type !== 'public-key') return null
    if (!value.response || fields.some((field) => typeof value.response![field] !== 'string')) return null
    const clientData = JSON.parse(new TextDecoder().decode(fromBase64Url(value.response.clientDataJSON as string))) as { challenge?: unknown }
    if (typeof clientData.challenge !== 'string') return null
    return { clientExtensionResults: {}, ...value, challenge: clientData.challenge }
  } catch {
    return null
  }
}
