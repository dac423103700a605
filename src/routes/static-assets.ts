import { Hono } from 'hono'
import { assets } from '../../views/assets'

export const assetRoutes = new Hono()

// Content-versioned URLs, so they may be cached for a year without revalidation.
for (const asset of assets) {
  assetRoutes.get(asset.path, (c) =>
    c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' }),
  )
}
