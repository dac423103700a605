import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'

/**
 * Strict CSP: scripts and styles only from our origin (htmx is served by
 * the Worker), nothing inline, no eval, no framing, forms post only here.
 * Referrer-Policy no-referrer everywhere, so a token in a URL never leaks
 * to another site through Referer.
 */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
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

/** Account pages must not sit in shared or browser caches; assets set their own long cache. */
export const noStore = createMiddleware(async (c, next) => {
  await next()
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store')
})
