import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { generateSecret, hashSecret, isWellFormedSecret } from '../auth/secrets'

/** Who is asking, as far as the request tells: for sessions, activity and notices. Never a secret. */
export type Client = { ip: string | null; userAgent: string | null; city: string | null; country: string | null }

export function clientOf(c: Context): Client {
  const cf = (c.req.raw as { cf?: { city?: string; country?: string } }).cf
  return {
    ip: c.req.header('cf-connecting-ip')?.slice(0, 64) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    city: cf?.city?.slice(0, 100) ?? null,
    country: cf?.country?.slice(0, 8) ?? null,
  }
}

const DEVICE_COOKIE = 'device'
const DEVICE_LIFETIME_SECONDS = 400 * 24 * 60 * 60 // the longest browsers keep a cookie

/**
 * The browser's long-lived device id (a random secret in an HttpOnly cookie,
 * created at its first sign-in); only its SHA-256 is stored, in
 * known_devices, to tell a sign-in from a new device.
 */
export async function deviceOf(c: Context): Promise<string> {
  let device = getCookie(c, DEVICE_COOKIE)
  if (!isWellFormedSecret(device)) {
    device = (await generateSecret()).secret
    setCookie(c, DEVICE_COOKIE, device, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: DEVICE_LIFETIME_SECONDS })
  }
  return hashSecret(device)
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

export function describePlace(place: { city: string | null; country: string | null }): string | null {
  return [place.city, place.country].filter(Boolean).join(', ') || null
}
