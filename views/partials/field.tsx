import { t } from '../../src/i18n'

export type FieldProps = {
  name: string
  /** The input's id, when two forms of one page share a field name (the code fields of two-step); else the name. */
  id?: string
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

/**
 * A labelled input whose error is tied to it (aria-invalid, aria-describedby).
 * While the field is marked, its message takes the hint's place: the hint
 * stays in the page, hidden and out of the description, so a rule is said
 * once ("Al menos 6 caracteres." is not read next to "…al menos 6
 * caracteres."), and app.js shows it again once the field changes.
 */
export function Field(props: FieldProps) {
  const { name, id = name, label, type = 'text', value, error, hint, autocomplete, required = true, inputProps, describedBy, invalid, focus } = props
  const marked = Boolean(error || invalid)
  const ids = [hint && !marked && `${id}-hint`, error && `${id}-error`, describedBy].filter(Boolean).join(' ')
  const input = (
    <input
      id={id}
      name={name}
      type={type}
      value={type === 'password' ? undefined : value}
      autocomplete={autocomplete}
      required={required}
      aria-invalid={marked ? 'true' : undefined}
      aria-describedby={ids || undefined}
      // After a failed submit every invalid field has autofocus; the browser
      // focuses the first one, so the person lands on the first problem.
      autofocus={marked || Boolean(focus)}
      {...inputProps}
    />
  )
  return (
    <>
      <label for={id}>{label}</label>
      {type === 'password' ? (
        <div class="password">
          {input}
          {/* A real button; hidden until app.js wires it, so without JavaScript nothing dead shows. */}
          <button
            type="button"
            class="reveal"
            data-reveal={id}
            data-show={t.fields.show}
            data-hide={t.fields.hide}
            data-label={label}
            aria-controls={id}
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
        <p class="hint" id={`${id}-hint`} hidden={marked}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  )
}
