import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding'
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp'

/**
 * The authenticator app's codes: RFC 6238 TOTP with what every app accepts
 * by default (SHA-1, 6 digits, 30 seconds). The HOTP itself is
 * @oslojs/otp's; the time step is counted here, from the caller's clock,
 * because replay protection needs to know WHICH step a code matched
 * (see matchingStep), which the library's verifyTOTP does not say.
 */
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
/** The issuer the app shows beside the code. */
const ISSUER = 'Ecuabots'
/** RFC 4226 recommends at least 128 bits; 160 (SHA-1's block) is what most services use. */
const SECRET_BYTES = 20

export function generateTotpSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES))
}

/** The secret as the apps type it: base32, in groups of four for reading aloud or typing. */
export function secretForTyping(secret: Uint8Array): string {
  return encodeBase32NoPadding(secret).match(/.{1,4}/g)!.join(' ')
}

/** Stored (sealed) as base32 text, the form the apps use too. */
export function encodeTotpSecret(secret: Uint8Array): string {
  return encodeBase32NoPadding(secret)
}

export function decodeTotpSecret(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text)
}

/** The `otpauth://` URI a QR code or a tap on the phone hands to the app. */
export function totpKeyUri(email: string, secret: Uint8Array): string {
  return createTOTPKeyURI(ISSUER, email, secret, TOTP_PERIOD_SECONDS, TOTP_DIGITS)
}

/** The time step a moment falls in. */
export function timeStepAt(now: number): number {
  return Math.floor(now / (TOTP_PERIOD_SECONDS * 1000))
}

/**
 * The time step a typed code belongs to, within one step of now either way
 * (a phone's clock a little off, a code typed as it turned), or null. The
 * caller accepts it only for a step later than the last one accepted.
 */
export function matchingStep(secret: Uint8Array, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const current = timeStepAt(now)
  for (const step of [current - 1, current, current + 1]) {
    if (constantTimeEqual(generateHOTP(secret, BigInt(step), TOTP_DIGITS), code)) return step
  }
  return null
}

/** What a person typed, as digits: spaces and dashes the app shows between groups dropped. */
export function normalizeCode(typed: string | undefined): string {
  return (typed ?? '').replace(/[\s-]/g, '')
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
