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

/** Something the person must act on before anything else (not a success): amber, read in the page's order. */
export function Warning({ text }: { text?: string }) {
  if (!text) return null
  return (
    <p class="warning" role="status">
      {text}
    </p>
  )
}

/**
 * A summary at the top of a form that came back with errors. Not a
 * role=alert: one already in the page at load is not reliably announced.
 * What is announced is the first marked field, which the browser focuses
 * (autofocus), read with its own message (aria-describedby).
 */
export function FormAlert({ errors }: { errors: Record<string, string | undefined> }) {
  if (!Object.values(errors).some(Boolean)) return null
  return (
    <p class="alert" id="form-alert">
      {t.errors.formTitle}
    </p>
  )
}

/** The help page's reminder under every password form. */
export function Reminder({ keepSafe = true }: { keepSafe?: boolean }) {
  return <p class="reminder">{keepSafe ? `${t.keepSafe} ${t.neverAsks}` : t.neverAsks}</p>
}

/** The browser is signed in as `current`; the link acts on `target` (both masked). */
export type SwitchWarning = { current: string; target: string }

/**
 * Said before a link's button switches accounts (see src/http/account-switch.ts).
 * Information, not an error, and in the page at load (where a role=alert is
 * not reliably announced): a status, read in the page's order above the button.
 */
export function SwitchAccountWarning({ warning }: { warning?: SwitchWarning | null }) {
  if (!warning) return null
  return (
    <p class="alert" role="status">
      {t.switchAccount.notice(warning.current, warning.target)}
    </p>
  )
}

/** Inside the link's form: pressing the button after reading the warning confirms the switch. */
export function SwitchAccountField({ warning }: { warning?: SwitchWarning | null }) {
  return warning ? <input type="hidden" name="switch" value="1" /> : null
}
