import { t } from '../../src/i18n'
import { Field } from './field'
import { FeedbackRegion, feedbackId, type NewPasswordErrors } from './password-feedback'

// Both inputs ask the server as the person types (debounced); htmx 4 sends
// the enclosing form's fields with a POST, so the endpoint sees both values.
// The answer is two <hx-partial>s, one per field's region (hx-swap none on
// the input itself). The confirmation is also checked when the person
// leaves it: app.js marks `confirmation_left` and fires `validate`, so a
// mismatch is not announced while the confirmation is still being typed.
const inlineCheck = {
  'hx-post': '/validate/password',
  'hx-swap': 'none',
}

/** New password + confirmation, used by sign-up, reset and profile. Each message under its own field. */
export function NewPasswordFields({ errors, optional = false, label = t.fields.password }: { errors: NewPasswordErrors; optional?: boolean; label?: string }) {
  return (
    <>
      <input type="hidden" name="confirmation_left" value="" />
      <Field
        name="password"
        type="password"
        label={label}
        hint={optional ? `${t.fields.passwordHint} ${t.fields.keepBlank}` : t.fields.passwordHint}
        autocomplete="new-password"
        required={!optional}
        describedBy={feedbackId('password')}
        invalid={Boolean(errors.password)}
        inputProps={{ ...inlineCheck, 'hx-trigger': 'input changed delay:300ms', maxlength: '256' }}
      />
      <FeedbackRegion field="password" message={errors.password} />
      <Field
        name="password_confirmation"
        type="password"
        label={t.fields.passwordConfirmation}
        autocomplete="new-password"
        required={!optional}
        describedBy={feedbackId('password_confirmation')}
        invalid={Boolean(errors.password_confirmation)}
        inputProps={{ ...inlineCheck, 'hx-trigger': 'input changed delay:300ms, validate', maxlength: '256' }}
      />
      <FeedbackRegion field="password_confirmation" message={errors.password_confirmation} />
    </>
  )
}
