/** Where the app lives, and every mailed link points: APP_URL in test/vitest.config.ts. */
export const ORIGIN = 'https://cuentas.ecuabots.test'

/**
 * A request straight to app.fetch (for tests that pass their own bindings or
 * execution context), as a browser holding `cookie` would send it from a
 * client address of its own: a form posts from this site.
 */
export function directRequest(path: string, init: { method?: string; form?: Record<string, string>; cookie?: string } = {}) {
  const headers = new Headers({ 'CF-Connecting-IP': `2001:db8::${crypto.randomUUID().slice(0, 4)}` })
  if (init.cookie) headers.set('Cookie', init.cookie)
  let body: URLSearchParams | undefined
  if (init.form) {
    body = new URLSearchParams(init.form)
    headers.set('Origin', ORIGIN)
    headers.set('Content-Type', 'application/x-www-form-urlencoded')
  }
  return new Request(`${ORIGIN}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' })
}
