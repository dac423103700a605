import htmxSource from 'htmx.org/dist/htmx.min.js'
import htmxPackage from 'htmx.org/package.json'
import { passkeyScript } from './passkeys-script'
import { script } from './scripts'
import { stylesheet } from './styles'

/**
 * Static files served by the Worker itself (no CDN), under URLs that change
 * with their content so they can be cached forever (immutable).
 */
export type Asset = { path: string; body: string; type: string }

export const htmxAsset: Asset = {
  path: `/assets/htmx-${htmxPackage.version}.min.js`,
  body: htmxSource,
  type: 'text/javascript; charset=utf-8',
}

export const styleAsset: Asset = {
  path: `/assets/app-${fnv1a(stylesheet)}.css`,
  body: stylesheet,
  type: 'text/css; charset=utf-8',
}

export const scriptAsset: Asset = {
  path: `/assets/app-${fnv1a(script)}.js`,
  body: script,
  type: 'text/javascript; charset=utf-8',
}

/** Loaded only by the pages with passkey controls (login, profile), as a module. */
export const passkeyAsset: Asset = {
  path: `/assets/passkeys-${fnv1a(passkeyScript)}.js`,
  body: passkeyScript,
  type: 'text/javascript; charset=utf-8',
}

export const assets = [htmxAsset, styleAsset, scriptAsset, passkeyAsset]

/** A short content hash, computed once per isolate (sync, microseconds for a few KB). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}
