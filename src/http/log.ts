import type { Context } from 'hono'

/**
 * One JSON line per security event or mail failure, for `wrangler tail` and
 * log search: the request id, the route, what happened. Never a password,
 * token, code, cookie or address.
 */
export function securityLog(c: Context, event: string, outcome: string, extra: Record<string, string | number | boolean> = {}) {
  console.log(JSON.stringify({ event, outcome, requestId: c.get('requestId') as string | undefined, route: c.req.routePath, ...extra }))
}
