import { t } from '../../src/i18n'

/** The avatar (initials) opens the user menu; <details> works without JavaScript. */
export function UserMenu({ name }: { name: string }) {
  return (
    <details class="menu">
      {/* The accessible name starts with what is visible (WCAG 2.5.3, label in name). */}
      <summary>
        {initials(name)}
        <span class="visually-hidden">: {t.menu.label}</span>
      </summary>
      <ul>
        <li>
          <a href="/profile">{t.menu.profile}</a>
        </li>
        <li>
          <form method="post" action="/logout">
            <button type="submit">{t.menu.logout}</button>
          </form>
        </li>
      </ul>
    </details>
  )
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0]!, words.at(-1)!] : words
  return letters.map((word) => [...word][0]!.toLocaleUpperCase('es')).join('') || '?'
}
