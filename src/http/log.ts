import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'

/**
 * One JSON line per security event or mail failure, for `wrangler tail` and
 * log search: the request id, the route, what happened. Never a password,
 * token, code, cookie or address.
 */
export function securityLog(c: Context, event: string, outcome: string, extra: Record<string, string | number | boolean> = {}) {
  console.log(JSON.stringify({ event, outcome, requestId: c.get('requestId') as string | undefined, route: routeOf(c), ...extra }))
}

/**
 * The route pattern the request matched (`/login/email/:token`), never its
 * path: three paths carry a live token. It is the last matched route that is
 * not a catch-all middleware ('/*'), so a middleware logging or failing on a
 * route still names the page.
 */
export function routeOf(c: Context): string {
  const patterns = matchedRoutes(c).map((route) => route.path)
  return patterns.filter((path) => path !== '/*' && path !== '*').at(-1) ?? patterns.at(-1) ?? ''
}
