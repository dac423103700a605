import type { Child } from 'hono/jsx'
import { t } from '../../src/i18n'
import { Field } from './field'

export type TwoStepSectionProps = {
  on: boolean
  codesLeft: number
  /** As for a password change: an account with a password, on a session older than 10 minutes. */
  askCurrentPassword: boolean
  error?: TwoStepError
}

/**
 * What went wrong, tied to the form that was sent and, when one was at
 * fault, to its field: that field is marked and focused, its form unfolded,
 * so the message is read where the person is (nothing is announced at load).
 */
export type TwoStepError = { form: TwoStepForm; field?: 'current_password' | 'code'; message: string }
type TwoStepForm = 'setup' | 'codes' | 'off'

const codeInput = { inputmode: 'text', maxlength: '20', spellcheck: 'false', autocapitalize: 'off' }

/** "Verificación en dos pasos" on Seguridad: turn it on; or, when on, turn it off and renew the recovery codes (each with a code). */
export function TwoStepSection({ on, codesLeft, askCurrentPassword, error }: TwoStepSectionProps) {
  const failed = (form: TwoStepForm) => (error?.form === form ? error : undefined)
  // Each form its own field ids: a page holds up to two of them.
  const passwordField = (id: string, form: TwoStepForm) =>
    askCurrentPassword && (
      <Field name="current_password" id={id} type="password" label={t.fields.currentPassword} error={fieldError(failed(form), 'current_password')} autocomplete="current-password" />
    )
  return (
    <section id="dos-pasos" aria-labelledby="dos-pasos-titulo">
      <h2 id="dos-pasos-titulo">{t.twoStep.title}</h2>
      <p>{on ? t.twoStep.on : t.twoStep.intro}</p>
      {on ? (
        <>
          <p>{t.twoStep.codesLeft(codesLeft)}</p>
          <CodeConfirmedForm action="/security/two-step/codes" title={t.twoStep.renew} password={passwordField('two_step_current_password', 'codes')} codeId="renew_code" buttonClass="button" error={failed('codes')} />
          <CodeConfirmedForm action="/security/two-step/off" title={t.twoStep.turnOff} password={passwordField('off_current_password', 'off')} codeId="off_code" buttonClass="secondary" error={failed('off')} />
        </>
      ) : (
        <form method="post" action="/security/two-step/setup" novalidate>
          {passwordField('two_step_current_password', 'setup')}
          <FormError error={failed('setup')} />
          <button type="submit" class="button">
            {t.twoStep.turnOn}
          </button>
        </form>
      )}
      <p class="hint">{t.twoStep.passkeyNote}</p>
    </section>
  )
}

const fieldError = (error: TwoStepError | undefined, field: TwoStepError['field']) => (error && error.field === field ? error.message : undefined)

/** A message that no field of the form caused (no key to seal with, two-step already off): focused where the form is. */
function FormError({ error }: { error?: TwoStepError }) {
  if (!error || error.field) return null
  return (
    <p class="error" tabindex={-1} autofocus>
      {error.message}
    </p>
  )
}

type CodeConfirmedFormProps = { action: string; title: string; password: Child; codeId: string; buttonClass: string; error?: TwoStepError }

/** A change made with a current code (renew the codes, turn it off): folded under its title, with the current password when asked; unfolded when it failed. */
function CodeConfirmedForm({ action, title, password, codeId, buttonClass, error }: CodeConfirmedFormProps) {
  return (
    <details open={Boolean(error)}>
      <summary class="secondary">{title}</summary>
      <form method="post" action={action} novalidate>
        {password}
        <Field name="code" id={codeId} label={t.twoStep.codeToConfirm} autocomplete="one-time-code" inputProps={codeInput} error={fieldError(error, 'code')} />
        <FormError error={error} />
        <button type="submit" class={buttonClass}>
          {title}
        </button>
      </form>
    </details>
  )
}
