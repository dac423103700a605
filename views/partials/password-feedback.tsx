import type { NewPasswordErrors } from '../../src/auth/passwords'
import { t } from '../../src/i18n'

export const PASSWORD_FEEDBACK_ID = 'password-feedback'

/**
 * What the person is told about the new password and its confirmation.
 * The full page renders it after a POST; the htmx endpoint renders the same
 * component alone and it replaces itself (outerHTML), so the wording and
 * the rules exist once. aria-live makes screen readers announce changes.
 */
export function PasswordFeedback({ errors, ok = false }: { errors: NewPasswordErrors; ok?: boolean }) {
  const messages = [errors.password, errors.password_confirmation].filter(Boolean)
  return (
    <div id={PASSWORD_FEEDBACK_ID} aria-live="polite">
      {messages.map((message) => (
        <p class="error">{message}</p>
      ))}
      {ok && messages.length === 0 && <p class="ok">{t.inline.ok}</p>}
    </div>
  )
}
