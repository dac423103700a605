import { t } from '../i18n'

export const MAX_EMAIL_LENGTH = 254 // RFC 5321: the longest address a mail server must accept

/**
 * The address as stored and compared: trimmed, NFC (a decomposed "é" is the
 * same letter as a composed one) and lower-cased — one address, one account.
 * The raw length is checked first: anything longer than an address can be
 * comes back cut to one character over the limit, un-normalised, so that
 * checkEmail refuses it and no megabyte ever reaches NFC or toLowerCase.
 */
export function normalizeEmail(raw: string | undefined): string {
  const text = raw ?? ''
  if (text.length > MAX_EMAIL_LENGTH) return text.slice(0, MAX_EMAIL_LENGTH + 1)
  const address = text.trim().normalize('NFC').toLowerCase()
  const at = address.lastIndexOf('@')
  // An internationalised domain has two spellings, "bücher.example" and its
  // DNS form "xn--bcher-kva.example": one mailbox, so one account. The URL
  // parser applies UTS #46 (IDNA), as browsers do; the DNS form is stored.
  if (at < 0 || /^[\x00-\x7f]*$/.test(address.slice(at + 1))) return address
  try {
    return `${address.slice(0, at + 1)}${new URL(`http://${address.slice(at + 1)}/`).hostname}`
  } catch {
    return address // not a valid domain: checkEmail or the mail itself refuses it
  }
}

// A plain `local@domain` and nothing else. The local part is RFC 5322's
// dot-atom (letters, digits, !#$%&'*+/=?^_`{|}~- and single inner dots) plus
// letters and digits of any script (RFC 6531); the domain is dot-separated
// labels of letters, digits and inner hyphens, ending in a label that is not
// all digits. Display names, comments, quoted local parts, group syntax,
// domain literals and a trailing dot all fall outside it, so
// `x<alice@example.com>` or `alice@example.com.` can never be a second
// account next to `alice@example.com`.
const ATOM = String.raw`[\p{L}\p{M}\p{N}!#$%&'*+/=?^_\x60{|}~-]+`
const LABEL = String.raw`[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?`
const TOP_LABEL = String.raw`(?!\p{N}+$)${LABEL}`
const PLAIN_ADDRESS = new RegExp(String.raw`^${ATOM}(?:\.${ATOM})*@(?:${LABEL}\.)+${TOP_LABEL}$`, 'u')
/** What people paste from a mail client's "To:" line: a name, <brackets>, "quotes", (comments), lists, spaces. */
const NOT_JUST_AN_ADDRESS = /[\s<>"(),;:]/u

/** Expects the result of normalizeEmail. The mail itself is the final check that the mailbox exists. */
export function checkEmail(email: string): string | undefined {
  if (!email) return t.errors.emailRequired
  if (email.length > MAX_EMAIL_LENGTH) return t.errors.emailInvalid
  if (NOT_JUST_AN_ADDRESS.test(email) || /\p{C}/u.test(email)) return t.errors.emailOnlyAddress
  const at = email.lastIndexOf('@')
  const [local, domain] = [email.slice(0, at), email.slice(at + 1)]
  // RFC 5321 caps the local part at 64 and a domain label at 63.
  if (at < 0 || local.length > 64 || domain.split('.').some((label) => label.length > 63)) return t.errors.emailInvalid
  if (!PLAIN_ADDRESS.test(email)) return t.errors.emailInvalid
}

/** Providers that ignore dots in the local part: every spelling reaches the same inbox. */
const DOTLESS_DOMAINS = new Set(['gmail.com', 'googlemail.com'])

/**
 * The mailbox an address delivers to, as the key for mail budgets and
 * sign-in counters (never stored as the address): `ana+1@…` and `ana+2@…`
 * land in one inbox, so they share one budget. Lower-cased, NFC, without a
 * `+tag`; for Gmail also without dots, and googlemail.com is gmail.com.
 */
export function mailboxOf(email: string): string {
  const address = normalizeEmail(email)
  const at = address.lastIndexOf('@')
  if (at < 0) return address
  let local = address.slice(0, at)
  let domain = address.slice(at + 1)
  const plus = local.indexOf('+')
  if (plus >= 0) local = local.slice(0, plus)
  if (DOTLESS_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '')
    domain = 'gmail.com'
  }
  return `${local}@${domain}`
}
