import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { clientOf } from '../src/http/requester'

/**
 * Who is asking, read from the request (src/http/requester.ts). Cloudflare
 * fills `request.cf` with strings; locally a client can send its own
 * (wrangler dev's MF-CF-Blob header), so a number or an object there must
 * read as "unknown", never throw.
 */
const echo = new Hono().get('/', (c) => c.json(clientOf(c)))

function requestWith(cf: unknown) {
  const request = new Request('https://cuentas.ecuabots.test/', { headers: { 'CF-Connecting-IP': '203.0.113.9', 'User-Agent': 'Prueba' } })
  Object.defineProperty(request, 'cf', { value: cf })
  return echo.fetch(request)
}

describe('where a request comes from', () => {
  it('reads city, country and time zone when they are text, cut to size', async () => {
    const response = await requestWith({ city: 'Quito', country: 'EC', timezone: `America/Guayaquil${'x'.repeat(100)}` })
    expect(response.status).toBe(200)
    const client = await response.json<Record<string, unknown>>()
    expect(client).toMatchObject({ ip: '203.0.113.9', userAgent: 'Prueba', city: 'Quito', country: 'EC' })
    expect(client.timeZone).toHaveLength(64)
  })

  it('a cf that is not text (a number, an object, an array, none at all) is unknown, not an error', async () => {
    for (const cf of [{ timezone: 5, city: { a: 1 }, country: ['EC'] }, 'texto', null, undefined]) {
      const response = await requestWith(cf)
      expect(response.status, JSON.stringify(cf)).toBe(200)
      expect(await response.json(), JSON.stringify(cf)).toMatchObject({ ip: '203.0.113.9', city: null, country: null, timeZone: null })
    }
  })
})
