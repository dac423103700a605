import { clock } from '../../src/clock'
import { signedInUser, type Browser } from './browser'
import { setClock } from './clock'

// Two-step as a person sets it up: the secret read from the setup page (the
// text under the QR), codes computed by an authenticator of the tests' own —
// RFC 6238 on WebCrypto's HMAC-SHA1, checked against the RFC's vectors in
// two-step.test.ts — never by the app's code under test.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '').toUpperCase()
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    value = (value << 5) | BASE32.indexOf(char)
    bits += 5
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Uint8Array.from(bytes)
}

/** RFC 6238 TOTP (SHA-1, 30 s, `digits` digits) at `at` ms, for a raw key. */
export async function totp(key: Uint8Array, at: number, digits = 6): Promise<string> {
  const counter = new DataView(new ArrayBuffer(8))
  counter.setBigUint64(0, BigInt(Math.floor(at / 30_000)))
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, counter.buffer))
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The code the person's app shows for the secret typed from the setup page, now (the app's clock) or `offsetSteps` periods away. */
export function codeFor(secret: string, offsetSteps = 0) {
  return totp(base32Decode(secret), clock.now() + offsetSteps * 30_000)
}

/** The secret as the setup page shows it under the QR code, for typing. */
export function secretOnPage(html: string): string {
  return html.match(/<code id="two-step-key">([A-Z2-7 ]+)<\/code>/)![1]!.replace(/ /g, '')
}

/** The recovery codes as the page shows them once. */
export function recoveryCodesOnPage(html: string): string[] {
  return html.match(/<pre id="recovery-codes"[^>]*>([\s\S]*?)<\/pre>/)![1]!.trim().split(/\s+/)
}

/**
 * Turns two-step on from Seguridad in a browser signed in less than 10
 * minutes ago: "Activar", the key typed into the app, its first code.
 * Returns the secret and the ten recovery codes shown.
 */
export async function turnOnTwoStep(browser: Browser) {
  const setup = await browser.post('/security/two-step/setup')
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status}`)
  const secret = secretOnPage(setup.text)
  const confirmed = await browser.post('/security/two-step/confirm', { code: await codeFor(secret) })
  if (confirmed.status !== 200) throw new Error(`confirm failed: ${confirmed.status}`)
  return { secret, codes: recoveryCodesOnPage(confirmed.text), page: confirmed }
}

/** A person with two-step on, the clock moved past the code used to turn it on (a code is accepted once). */
export async function withTwoStep(options: Parameters<typeof signedInUser>[0] = {}) {
  const person = await signedInUser(options)
  setClock(Date.now())
  const twoStep = await turnOnTwoStep(person.browser)
  setClock(clock.now() + 30_000)
  return { ...person, ...twoStep }
}

/** Whether the browser is signed in: /profile answers, or sends to /login. */
export async function signedIn(browser: Browser) {
  return (await browser.get('/profile')).status === 200
}

/** The first-step cookie's name: the browser holds it between the two steps. */
export const FIRST_STEP_COOKIE = '__Host-first_step'
