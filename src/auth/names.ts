import { t } from '../i18n'

export const MAX_NAME_LENGTH = 100

/**
 * The name as stored: trimmed and NFC. The raw length is checked first: a
 * longer one comes back cut to one character over the limit, un-normalised,
 * so checkName refuses it and no megabyte ever reaches NFC.
 */
export function normalizeName(raw: string | undefined): string {
  const text = raw ?? ''
  if (text.length > MAX_NAME_LENGTH) return text.slice(0, MAX_NAME_LENGTH + 1)
  return text.trim().normalize('NFC')
}

// The name is printed at the top of every mail ("Hola Ana:") and on the
// profile, so it must be one line of visible text. Control characters (Cc:
// line breaks, tabs, NEL) and the line and paragraph separators could forge
// extra lines in a mail; format characters (Cf: bidi overrides and isolates
// U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C, zero-width
// U+200B–U+200D, U+2060, U+FEFF, tag characters) make text read differently
// from what it is; Hangul fillers render as nothing; private-use, unassigned
// and lone surrogates are not text at all.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cn}\p{Cs}\u115F\u1160\u3164\uFFA0]/u

/** Expects the result of normalizeName. */
export function checkName(name: string): string | undefined {
  if (!name) return t.errors.nameRequired
  if (name.length > MAX_NAME_LENGTH) return t.errors.nameTooLong
  if (CONTROL.test(name)) return t.errors.nameControl
  if (INVISIBLE.test(name)) return t.errors.nameInvisible
}
