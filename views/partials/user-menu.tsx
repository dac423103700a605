import { t } from '../../src/i18n'

const pages = [
  { href: '/profile', label: t.menu.profile },
  { href: '/security', label: t.menu.security },
]

/**
 * The avatar (initials) opens the user menu; <details> works without
 * JavaScript (app.js adds Escape and a tap outside to close it). It opens
 * in the page's flow, under the header, so it never covers the title; it
 * says who is signed in (name and address: initials alone do not tell on a
 * shared computer) and marks the page you are on.
 */
export function UserMenu({ user, current }: { user: { name: string; email: string }; current?: string }) {
  return (
    <details class="menu">
      {/* The accessible name starts with what is visible (WCAG 2.5.3, label in name). */}
      <summary>
        {initials(user.name || user.email)}
        <span class="visually-hidden">: {t.menu.label}</span>
      </summary>
      <div class="menu-panel">
        <p class="who">
          {user.name && <strong>{user.name}</strong>}
          <span>{user.email}</span>
        </p>
        <ul>
          {pages.map((page) => (
            <li>
              <a href={page.href} aria-current={page.href === current ? 'page' : undefined}>
                {page.label}
              </a>
            </li>
          ))}
          <li>
            <form method="post" action="/logout">
              <button type="submit">{t.menu.logout}</button>
            </form>
          </li>
        </ul>
      </div>
    </details>
  )
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words
  return letters.map((word) => [...word][0]!.toLocaleUpperCase('es')).join('') || '?'
}
