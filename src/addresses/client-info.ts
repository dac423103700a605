/**
 * Who is asking, as far as the request tells: for sessions, activity and
 * notices. Never a secret. Read from the request by src/http/requester.ts; the
 * domain takes it as a plain value.
 */
export type Client = { ip: string | null; userAgent: string | null; city: string | null; country: string | null }
