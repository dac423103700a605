import type { Child } from 'hono/jsx'
import { raw } from 'hono/html'
import { t } from '../src/i18n'
import { htmxAsset, scriptAsset, styleAsset } from './assets'
import { UserMenu } from './partials/user-menu'

export type LayoutProps = {
  title: string
  /** The signed-in person, for the avatar menu; null on signed-out pages. */
  user?: { name: string; email: string } | null
  /** The page's own path, so the menu can mark it (aria-current). */
  current?: string
  wide?: boolean
  /**
   * Loads htmx: only pages with hx-* attributes (the inline password check, the code form).
   * It is most of a first visit's bytes (13 KB of 19 compressed), and /login has no use for it.
   */
  htmx?: boolean
  children: Child
}

export function Layout({ title, user, current, wide, htmx, children }: LayoutProps) {
  return (
    <>
      {raw('<!doctype html>')}
    <html lang={t.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* No inline styles under our CSP, so htmx must not inject its indicator CSS. */}
        {htmx && <meta name="htmx-config" content="includeIndicatorCSS:false" />}
        <title>{`${title} · Ecuabots`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={styleAsset.path} />
        {htmx && <script src={htmxAsset.path} defer></script>}
        <script src={scriptAsset.path} defer></script>
      </head>
      <body>
        <header>
          <a class="brand" href={user ? '/profile' : '/login'}>
            Ecuabots
          </a>
          {user && <UserMenu user={user} current={current} />}
        </header>
        <main class={wide ? 'wide' : undefined}>
          <div class="card">{children}</div>
        </main>
      </body>
    </html>
    </>
  )
}
