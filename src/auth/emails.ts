import { t } from '../i18n'

export const MAX_EMAIL_LENGTH = 254

/** Emails are compared and stored trimmed and lower-cased: one address, one account. */
export function normalizeEmail(raw: string | undefined): string {
  return (raw ?? '').trim().toLowerCase()
}

/** Deliberately loose (one @, a dot in the domain, no spaces): the mail itself is the real check. */
export function checkEmail(email: string): string | undefined {
  if (!email) return t.errors.emailRequired
  if (email.length > MAX_EMAIL_LENGTH || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return t.errors.emailInvalid
}
