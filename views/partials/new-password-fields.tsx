import type { NewPasswordErrors } from '../../src/auth/passwords'
import { t } from '../../src/i18n'
import { Field } from './field'
import { PASSWORD_FEEDBACK_ID, PasswordFeedback } from './password-feedback'

// Both inputs ask the server as the person types (debounced). htmx 4 sends
// the enclosing form's fields with a POST, so the endpoint sees both values.
// It answers 200 with the fragment even when they do not match: the request
// worked, the password is what is wrong.
const inlineCheck = {
  'hx-post': '/validate/password',
  'hx-trigger': 'input changed delay:300ms',
  'hx-target': `#${PASSWORD_FEEDBACK_ID}`,
  'hx-swap': 'outerHTML',
}

/** New password + confirmation, used by sign-up, reset and profile. */
export function NewPasswordFields({ errors, optional = false }: { errors: NewPasswordErrors; optional?: boolean }) {
  return (
    <>
      <Field
        name="password"
        type="password"
        label={optional ? t.fields.newPassword : t.fields.password}
        hint={optional ? `${t.fields.passwordHint} ${t.fields.keepBlank}` : t.fields.passwordHint}
        autocomplete="new-password"
        required={!optional}
        describedBy={PASSWORD_FEEDBACK_ID}
        invalid={Boolean(errors.password)}
        inputProps={{ ...inlineCheck, maxlength: '256' }}
      />
      <Field
        name="password_confirmation"
        type="password"
        label={t.fields.passwordConfirmation}
        autocomplete="new-password"
        required={!optional}
        describedBy={PASSWORD_FEEDBACK_ID}
        invalid={Boolean(errors.password_confirmation)}
        inputProps={{ ...inlineCheck, maxlength: '256' }}
      />
      <PasswordFeedback errors={errors} />
    </>
  )
}
