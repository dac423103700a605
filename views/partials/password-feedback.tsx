import { t } from '../../src/i18n'

/** The message under each new-password field, if any: what src/auth/passwords.ts's checkNewPassword returns. */
export type NewPasswordErrors = { password?: string; password_confirmation?: string }

export type PasswordField = 'password' | 'password_confirmation'

/** The id of the live region under one new-password field. */
export function feedbackId(field: PasswordField) {
  return `${field}-feedback`
}

/**
 * What the person is told about one field: its own message, under it. The
 * region is a stable element that stays in the page; the inline check
 * replaces only its content (innerHTML), so screen readers announce the
 * change instead of meeting a region that arrives already filled. Only its
 * own field points at it (aria-describedby). The full page renders the same
 * region after a POST, so the words exist once.
 */
export function FeedbackRegion({ field, message, ok }: { field: PasswordField; message?: string; ok?: boolean }) {
  return (
    <div id={feedbackId(field)} class="feedback" aria-live="polite">
      <FeedbackMessage message={message} ok={ok} />
    </div>
  )
}

function FeedbackMessage({ message, ok }: { message?: string; ok?: boolean }) {
  if (message) return <p class="error">{message}</p>
  return ok ? <p class="ok">{t.inline.ok}</p> : null
}

/**
 * The inline check's answer: the new content of both regions, each in an
 * htmx 4 <hx-partial> that names its own target (the inputs swap nothing
 * themselves), so the password's rule lands under the password and the
 * mismatch under the confirmation. `ok`: they match and the password is fine.
 */
export function InlineFeedback({ errors, ok = false }: { errors: NewPasswordErrors; ok?: boolean }) {
  return (
    <>
      <hx-partial hx-target={`#${feedbackId('password')}`} hx-swap="innerHTML">
        <FeedbackMessage message={errors.password} />
      </hx-partial>
      <hx-partial hx-target={`#${feedbackId('password_confirmation')}`} hx-swap="innerHTML">
        <FeedbackMessage message={errors.password_confirmation} ok={ok} />
      </hx-partial>
    </>
  )
}
