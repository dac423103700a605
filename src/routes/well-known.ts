import { Hono } from 'hono'
import { DAY } from '../clock'
import { appLink } from '../config'
import type { AppEnv } from '../env'

export const wellKnownRoutes = new Hono<AppEnv>()

/** RFC 9116: where to report a vulnerability. */
wellKnownRoutes.get('/.well-known/security.txt', (c) => {
  const { config } = c.var
  const expires = new Date(Math.ceil(Date.now() / DAY) * DAY + 180 * DAY).toISOString()
  const body = [
    `Contact: ${config.securityContact}`,
    `Expires: ${expires}`,
    'Preferred-Languages: es, en',
    `Canonical: ${appLink(config, '/.well-known/security.txt')}`,
    '',
  ].join('\n')
  return c.text(body, 200, { 'Cache-Control': 'public, max-age=86400' })
})
