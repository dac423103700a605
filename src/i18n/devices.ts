// A browser and a place in the person's words, for the session list, the
// reset page, the new-device mail and a passkey's default name.

/** "Chrome en Android", "Safari en iPhone"…: enough for a person to recognise a session. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Navegador desconocido'
  const browser =
    /Edg\//.test(userAgent) ? 'Edge'
    : /OPR\//.test(userAgent) ? 'Opera'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /Chrome\/|Chromium\/|CriOS\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : 'Navegador'
  const system =
    /iPhone/.test(userAgent) ? 'iPhone'
    : /iPad/.test(userAgent) ? 'iPad'
    : /Android/.test(userAgent) ? 'Android'
    : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent) ? 'Mac'
    : /Linux/.test(userAgent) ? 'Linux'
    : null
  return system ? `${browser} en ${system}` : browser
}

/** "Quito, Ecuador": the city and the country's Spanish name (Cloudflare gives an ISO code such as "EC"). */
export function describePlace(place: { city: string | null; country: string | null }): string | null {
  return [place.city, place.country && countryName(place.country)].filter(Boolean).join(', ') || null
}

/** "2 dic": the day something was added, in the zone of the request (else UTC), for names that must tell apart. */
export function describeDay(at: number, timeZone: string | null | undefined): string {
  const day = (zone: string) => new Intl.DateTimeFormat('es', { day: 'numeric', month: 'short', timeZone: zone }).format(at)
  try {
    return day(timeZone || 'UTC')
  } catch {
    return day('UTC') // a zone name Intl does not know
  }
}

let countries: Intl.DisplayNames | undefined

function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code // Cloudflare's "T1" (Tor) and "XX" (unknown) have no name
  countries ??= new Intl.DisplayNames(['es'], { type: 'region' })
  return countries.of(code) ?? code
}
