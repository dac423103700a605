import type { Context } from 'hono'
import { DAY } from '../clock'
import type { Client } from '../addresses/client-info'
import { browserSecret } from './cookies'

export type { Client }

export function clientOf(c: Context): Client {
  const cf = (c.req.raw as { cf?: unknown }).cf
  const field = (name: string) => (typeof cf === 'object' && cf !== null ? (cf as Record<string, unknown>)[name] : undefined)
  return {
    ip: c.req.header('cf-connecting-ip')?.slice(0, 64) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    city: textOf(field('city'), 100),
    country: textOf(field('country'), 8),
    timeZone: textOf(field('timezone'), 64),
  }
}

/**
 * Cloudflare fills `cf` with strings, but locally (wrangler dev) a client
 * can send its own (the MF-CF-Blob header): anything not a string is unknown.
 */
function textOf(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' ? value.slice(0, maxLength) : null
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

/** Who asks for a mail, for the mail budget: the IP and, if this browser has one, its device id. */
export async function mailRequesterOf(c: Context): Promise<{ ip: string | null; deviceHash: string | null }> {
  return { ip: clientOf(c).ip, deviceHash: await knownDeviceOf(c) }
}
