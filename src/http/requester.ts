import type { Context } from 'hono'
import { DAY } from '../clock'
import type { Client } from '../addresses/client-info'
import { browserSecret } from './cookies'

export type { Client }

export function clientOf(c: Context): Client {
  const cf = (c.req.raw as { cf?: { city?: string; country?: string; timezone?: string } }).cf
  return {
    ip: c.req.header('cf-connecting-ip')?.slice(0, 64) ?? null,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    city: cf?.city?.slice(0, 100) ?? null,
    country: cf?.country?.slice(0, 8) ?? null,
    timeZone: cf?.timezone?.slice(0, 64) ?? null,
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

/** Who asks for a mail, for the mail budget: the IP and, if this browser has one, its device id. */
export async function mailRequesterOf(c: Context): Promise<{ ip: string | null; deviceHash: string | null }> {
  return { ip: clientOf(c).ip, deviceHash: await knownDeviceOf(c) }
}
