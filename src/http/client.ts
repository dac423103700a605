import type { Context } from 'hono'
import { DAY } from '../clock'
import type { Client } from '../auth/client'
import { browserSecret } from './cookies'

export type { Client }

export function clientOf(c: Context): Client {
  const cf = (c.req.raw as { cf?: { city?: string; country?: string } }).cf
  return {
    ip: c.req.header('cf-connecting-ip')?.slice(0, 64) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    city: cf?.city?.slice(0, 100) ?? null,
    country: cf?.country?.slice(0, 8) ?? null,
  }
}

/** `__Host-device`: a planted device cookie would let a stranger pose as one of the owner's browsers. */
const device = browserSecret('device', 400 * DAY) // the longest browsers keep a cookie

/**
 * The browser's long-lived device id (a random secret in an HttpOnly cookie,
 * created at its first sign-in); only its SHA-256 is stored, in
 * known_devices, to tell a sign-in from a new device and to give the
 * owner's own browsers their own limits (see src/auth/throttle.ts).
 */
export function deviceOf(c: Context): Promise<string> {
  return device.ensure(c)
}

/** The device id's hash if this browser already has one; never creates it (for requests that do not sign in). */
export function knownDeviceOf(c: Context): Promise<string | null> {
  return device.hashOf(c)
}

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

let countries: Intl.DisplayNames | undefined

function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code // Cloudflare's "T1" (Tor) and "XX" (unknown) have no name
  countries ??= new Intl.DisplayNames(['es'], { type: 'region' })
  return countries.of(code) ?? code
}

/** Who asks for a mail, for the mail budget: the IP and, if this browser has one, its device id. */
export async function mailRequesterOf(c: Context): Promise<{ ip: string | null; deviceHash: string | null }> {
  return { ip: clientOf(c).ip, deviceHash: await knownDeviceOf(c) }
}
