import { t } from '../i18n'
import commonPasswords from './common-passwords.txt'
import { PASSWORD_ITERATIONS, PBKDF2_MAX_ITERATIONS, pbkdf2 } from '../crypto/pbkdf2'
import { fromBase64Url, toBase64Url } from '../crypto/encoding'
import { MAX_EMAIL_LENGTH } from '../addresses/email'
import { MAX_NAME_LENGTH } from './names'
import type { NewPasswordErrors } from '../../views/partials/password-feedback'

export { PASSWORD_ITERATIONS, PBKDF2_MAX_ITERATIONS } from '../crypto/pbkdf2'
export const MIN_PASSWORD_LENGTH = 6 // the help page's rule
export const MAX_PASSWORD_LENGTH = 256 // room for passphrases, not for megabyte bodies

const ALGORITHM = 'pbkdf2-sha256'
const SALT_BYTES = 16

/**
 * Stored form: `pbkdf2-sha256$<iterations>$<pepper: 0|1>$<salt>$<hash>` (base64url).
 * Every parameter travels with the hash, so raising the iterations or adding
 * a pepper later leaves old hashes verifiable, and needsRehash() upgrades
 * them at the next sign-in.
 */
type ParsedHash = { iterations: number; peppered: boolean; salt: Uint8Array; hash: Uint8Array }

/**
 * How new hashes are made (config.passwords): the pepper, and the
 * iterations — PASSWORD_ITERATIONS everywhere but in tests, which hash with
 * fewer the way Django's test settings use a fast hasher (src/config).
 */
export type PasswordHashing = { pepper: string | null; iterations: number }

export async function hashPassword(password: string, { pepper, iterations }: PasswordHashing): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const hash = await derive(password, salt, iterations, pepper)
  return [ALGORITHM, iterations, pepper ? 1 : 0, toBase64Url(salt), toBase64Url(hash)].join('$')
}

export async function verifyPassword(password: string, stored: string, pepper: string | null): Promise<boolean> {
  const parsed = parseHash(stored)
  // No password we accept is longer; refusing here keeps megabyte inputs away from PBKDF2.
  if (!parsed || password.length > MAX_PASSWORD_LENGTH) return false
  // A hash made with a pepper cannot be checked without it: fail closed
  // (and log, so a lost secret is noticed) rather than accept anything.
  if (parsed.peppered && !pepper) {
    console.error(JSON.stringify({ event: 'password.pepper_missing' }))
    return false
  }
  const candidate = await derive(password, parsed.salt, parsed.iterations, parsed.peppered ? pepper : null)
  return timingSafeEqual(candidate, parsed.hash)
}

/** True when the stored hash was made with other parameters than today's. */
export function needsRehash(stored: string, { pepper, iterations }: PasswordHashing): boolean {
  const parsed = parseHash(stored)
  return !parsed || parsed.iterations !== iterations || parsed.peppered !== Boolean(pepper)
}

/**
 * Verified against when no account matches the email, so that a wrong
 * address costs the same PBKDF2 work as a wrong password and response
 * times do not reveal which addresses have accounts. (A hash of random
 * bytes: no password verifies against it.)
 */
export const DUMMY_HASH =
  'pbkdf2-sha256$100000$0$4v2Xk8Rb3tM0pWq9ZsY1Lg$8sVfJ1m4x8qQnq0Hj2nZrW1Yt5bqkQ9o3h7c0sV6uAQ'

/** DUMMY_HASH at the iterations new hashes use, so a missing account costs what a real one does. */
export function dummyHashFor({ iterations }: PasswordHashing): string {
  return iterations === PASSWORD_ITERATIONS ? DUMMY_HASH : DUMMY_HASH.replace(`$${PASSWORD_ITERATIONS}$`, `$${iterations}$`)
}

/** The person choosing the password, when known: their own name or address is no password. */
export type PersonalDetails = { name?: string; email?: string }

/** The rules for a new password, in one place: full POSTs and the htmx check both call this. */
export function checkNewPassword(password: string, confirmation: string, person: PersonalDetails = {}): NewPasswordErrors {
  const errors: NewPasswordErrors = {}
  // The maximum is checked on the raw string first, so a pasted megabyte is
  // refused without normalising or hashing it; the minimum counts characters.
  if (!password) errors.password = t.errors.passwordRequired
  else if (password.length > MAX_PASSWORD_LENGTH) errors.password = t.errors.passwordTooLong
  else if ([...password.normalize('NFKC')].length < MIN_PASSWORD_LENGTH) errors.password = t.errors.passwordTooShort
  else if (isCommonPassword(password)) errors.password = t.errors.passwordCommon
  else if (isPersonal(password, person)) errors.password = t.errors.passwordPersonal
  if (confirmation !== password) {
    errors.password_confirmation = confirmation ? t.errors.passwordMismatch : t.errors.confirmationRequired
  }
  return errors
}

/**
 * What the inline check says while the person is still typing: the same
 * rules and words as checkNewPassword, minus what would be said too early.
 * Nothing about a field not typed yet. A confirmation that is still the
 * start of the password may yet match, so it stays quiet; once it is not
 * (`clave-m` under `clave-b…`) no more typing can fix it, so it is flagged
 * at once. Any other difference (longer, or shorter but the person moved
 * on: `confirmationLeft`) is judged as the full POST judges it.
 */
export function checkNewPasswordAsTyped(
  password: string,
  confirmation: string,
  person: PersonalDetails,
  { confirmationLeft }: { confirmationLeft: boolean },
): { errors: NewPasswordErrors; ok: boolean } {
  const errors = checkNewPassword(password, confirmation, person)
  if (!password) delete errors.password
  const mayStillMatch = password.startsWith(confirmation) && !confirmationLeft
  if (!confirmation || mayStillMatch) delete errors.password_confirmation
  return { errors, ok: Boolean(password && confirmation === password && !errors.password) }
}

let common: Set<string> | undefined

/**
 * The 10,000 most common passwords plus Spanish ones (common-passwords.txt,
 * bundled as text), as a Set: O(1) per check, built once per isolate on
 * first use so pages without a password form never pay for it.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    commonPasswords
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map(normalizeForComparison),
  )
  return common.has(normalizeForComparison(password))
}

function isPersonal(password: string, person: PersonalDetails): boolean {
  const candidate = normalizeForComparison(password).replace(/\s+/g, '')
  // Only what could be a real name or address is normalised (NFKC expands
  // some characters 18×): longer values are ignored for this rule, and the
  // forms refuse them anyway. The password was capped by checkNewPassword.
  const email = normalizeForComparison(within(person.email, MAX_EMAIL_LENGTH))
  const name = normalizeForComparison(within(person.name, MAX_NAME_LENGTH))
  const personal = [email, email.split('@')[0] ?? '', name.replace(/\s+/g, '')]
  // Equal to any of them, or containing one long enough not to match by chance.
  return personal.some((word) => word.length >= 3 && (candidate === word || (word.length >= 4 && candidate.includes(word))))
}

function within(text: string | undefined, max: number): string {
  return text && text.length <= max ? text : ''
}

function normalizeForComparison(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase('es').trim()
}

async function derive(password: string, salt: Uint8Array, iterations: number, pepper: string | null) {
  // NFKC so the same passphrase typed on another keyboard (composed vs.
  // decomposed accents, full-width digits) still matches.
  let secret: Uint8Array = new TextEncoder().encode(password.normalize('NFKC'))
  if (pepper) secret = await hmacSha256(pepper, secret)
  return pbkdf2(secret, salt, iterations)
}

async function hmacSha256(secret: string, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, data))
}

function parseHash(stored: string): ParsedHash | null {
  const [algorithm, iterations, peppered, salt, hash, ...rest] = stored.split('$')
  if (algorithm !== ALGORITHM || rest.length || !/^\d+$/.test(iterations ?? '')) return null
  // Production Workers throw above the cap (a 500 on every sign-in of that
  // account); local workerd would spend the time. Neither: the hash is unusable.
  if (Number(iterations) > PBKDF2_MAX_ITERATIONS || Number(iterations) < 1) return null
  if (peppered !== '0' && peppered !== '1') return null
  try {
    return { iterations: Number(iterations), peppered: peppered === '1', salt: fromBase64Url(salt!), hash: fromBase64Url(hash!) }
  } catch {
    return null
  }
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // Workers' crypto.subtle.timingSafeEqual throws on unequal lengths; the
  // lengths are not secret (always 32 bytes for our own hashes).
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b)
}
