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
}

/** A labelled input whose error is tied to it (aria-invalid, aria-describedby). */
export function Field({ name, label, type = 'text', value, error, hint, autocomplete, required = true, inputProps, describedBy, invalid }: FieldProps) {
  const ids = [hint && `${name}-hint`, error && `${name}-error`, describedBy].filter(Boolean).join(' ')
  return (
    <>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        type={type}
        value={type === 'password' ? undefined : value}
        autocomplete={autocomplete}
        required={required}
        aria-invalid={error || invalid ? 'true' : undefined}
        aria-describedby={ids || undefined}
        {...inputProps}
      />
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
