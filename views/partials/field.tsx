import { t } from '../../src/i18n'

export type FieldProps = {
  name: string
  label: string
  type?: 'text' | 'email' | 'password'
  value?: string
  error?: string
  hint?: string
  autocomplete: string
  required?: boolean
  /** Extra attributes for the input (htmx inline validation). */
  inputProps?: Record<string, string>
  describedBy?: string
  /** Marks the input invalid when its message is shown elsewhere (the password feedback). */
  invalid?: boolean
  /** Focus here on load (an invalid field is focused anyway). */
  focus?: boolean
}

/** A labelled input whose error is tied to it (aria-invalid, aria-describedby). */
export function Field(props: FieldProps) {
  const { name, label, type = 'text', value, error, hint, autocomplete, required = true, inputProps, describedBy, invalid, focus } = props
  const ids = [hint && `${name}-hint`, error && `${name}-error`, describedBy].filter(Boolean).join(' ')
  const input = (
    <input
      id={name}
      name={name}
      type={type}
      value={type === 'password' ? undefined : value}
      autocomplete={autocomplete}
      required={required}
      aria-invalid={error || invalid ? 'true' : undefined}
      aria-describedby={ids || undefined}
      // After a failed submit every invalid field has autofocus; the browser
      // focuses the first one, so the person lands on the first problem.
      autofocus={Boolean(error || invalid || focus)}
      {...inputProps}
    />
  )
  return (
    <>
      <label for={name}>{label}</label>
      {type === 'password' ? (
        <div class="password">
          {input}
          {/* A real button; hidden until app.js wires it, so without JavaScript nothing dead shows. */}
          <button
            type="button"
            class="reveal"
            data-reveal={name}
            data-show={t.fields.show}
            data-hide={t.fields.hide}
            data-label={label}
            aria-controls={name}
            aria-label={`${t.fields.show}: ${label}`}
            hidden
          >
            {t.fields.show}
          </button>
        </div>
      ) : (
        input
      )}
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${name}-error`}>
          {error}
        </p>
      )}
    </>
  )
}
