import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'
import { readConfig, type Config } from '../config'
import type { AppEnv } from '../env'

/**
 * Strict CSP: scripts and styles only from our origin (htmx is served by
 * the Worker), nothing inline, no eval, no framing, forms post only here —
 * and, since browsers apply form-action to the redirect that follows a
 * form post too, to the apps of RETURN_ORIGINS a sign-in may send back to.
 * Referrer-Policy no-referrer everywhere, so a token in a URL never leaks
 * to another site through Referer. Built once per RETURN_ORIGINS setting.
 */
function headersFor(returnOrigins: readonly string[]) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'", ...returnOrigins],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    // Headers for browsers and plug-ins long gone (IE, Flash); the CSP covers
    // what they did, and every byte of header is paid on every response.
    xXssProtection: false,
    xDownloadOptions: false,
    xDnsPrefetchControl: false,
    xPermittedCrossDomainPolicies: false,
  })
}

// One per config (config is read once per env, so this is once per isolate): nothing rebuilt per request.
const built = new WeakMap<Config, ReturnType<typeof headersFor>>()

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  const config = readConfig(c.env)
  let headers = built.get(config)
  if (!headers) built.set(config, (headers = headersFor(config.returnOrigins)))
  return headers(c, next)
})

/** Account pages must not sit in shared or browser caches; assets set their own long cache. */
export const noStore = createMiddleware(async (c, next) => {
  await next()
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store')
})
