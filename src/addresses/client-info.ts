/**
 * Who is asking, as far as the request tells: for sessions, activity and
 * notices. Never a secret. Read from the request by src/http/requester.ts; the
 * domain takes it as a plain value.
 */
export type Client = {
  ip: string | null
  userAgent: string | null
  city: string | null
  country: string | null
  /** The IANA zone of where the request came from (Cloudflare's guess from the IP), for the times in a mail; absent when unknown. */
  timeZone?: string | null
}
