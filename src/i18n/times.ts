/**
 * A time as every page and mail shows it: in the zone the request came from
 * when Cloudflare named one (most often the reader's own), else in UTC —
 * and always with its offset, so a time read in another country, or behind
 * a VPN that Cloudflare places elsewhere, is still right. Never one
 * country's hour for everyone.
 */

/** "2 de diciembre de 2026 a las 9:00 (UTC-6)": in a mail, read away from any page. */
export function describeTimeInMail(at: number, timeZone: string | null | undefined): string {
  return inZone(at, timeZone, { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' })
}

/** "2 dic 2026, 9:00 (UTC-6)": in a page's lists (sessions, activity, passkeys). */
export function describeTimeOnPage(at: number, timeZone: string | null | undefined): string {
  return inZone(at, timeZone, { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' })
}

function inZone(at: number, timeZone: string | null | undefined, parts: Intl.DateTimeFormatOptions): string {
  const format = (zone: string) => new Intl.DateTimeFormat('es', { ...parts, timeZone: zone, timeZoneName: 'shortOffset' }).format(at)
  let text: string
  try {
    text = format(timeZone || 'UTC')
  } catch {
    text = format('UTC') // a zone name Intl does not know
  }
  // "GMT-5" → "(UTC-5)"; "GMT" and "GMT+0" (ICU builds differ) → "(UTC)".
  return text.replace(/GMT([+-]\d+(?::\d+)?)?$/, (_, offset: string | undefined) => `(UTC${offset && !/^[+-]0$/.test(offset) ? offset : ''})`)
}
