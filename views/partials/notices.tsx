import { t } from '../../src/i18n'

/** A confirmation after a redirect ("Sus cambios fueron guardados."), announced politely. */
export function Notice({ text }: { text?: string }) {
  if (!text) return null
  return (
    <p class="notice" role="status">
      {text}
    </p>
  )
}

/** A summary at the top of a form that came back with errors, announced to screen readers. */
export function FormAlert({ errors }: { errors: Record<string, string | undefined> }) {
  if (!Object.values(errors).some(Boolean)) return null
  return (
    <p class="alert" role="alert">
      {t.errors.formTitle}
    </p>
  )
}

/** The help page's reminder under every password form. */
export function Reminder({ keepSafe = true }: { keepSafe?: boolean }) {
  return <p class="reminder">{keepSafe ? `${t.keepSafe} ${t.neverAsks}` : t.neverAsks}</p>
}
