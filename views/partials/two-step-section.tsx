import { t } from '../../src/i18n'
import { Field } from './field'

export type TwoStepSectionProps = {
  on: boolean
  codesLeft: number
  /** As for a password change: an account with a password, on a session older than 10 minutes. */
  askCurrentPassword: boolean
  error?: string
}

const codeInput = { inputmode: 'text', maxlength: '20', spellcheck: 'false', autocapitalize: 'off' }

/** "Verificación en dos pasos" on Seguridad: turn it on; or, when on, turn it off and renew the recovery codes (each with a code). */
export function TwoStepSection({ on, codesLeft, askCurrentPassword, error }: TwoStepSectionProps) {
  // Each form its own field ids: a page holds up to two of them.
  const passwordField = (id: string) =>
    askCurrentPassword && <Field name="current_password" id={id} type="password" label={t.fields.currentPassword} error={error} autocomplete="current-password" />
  const currentPassword = passwordField('two_step_current_password')
  const offPassword = passwordField('off_current_password')
  return (
    <section id="dos-pasos" aria-labelledby="dos-pasos-titulo">
      <h2 id="dos-pasos-titulo">{t.twoStep.title}</h2>
      <p>{on ? t.twoStep.on : t.twoStep.intro}</p>
      {!askCurrentPassword && error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {on ? (
        <>
          <p>{t.twoStep.codesLeft(codesLeft)}</p>
          <details>
            <summary class="secondary">{t.twoStep.renew}</summary>
            <form method="post" action="/security/two-step/codes" novalidate>
              {currentPassword}
              <Field name="code" id="renew_code" label={t.twoStep.codeToConfirm} autocomplete="one-time-code" inputProps={codeInput} />
              <button type="submit" class="button">
                {t.twoStep.renew}
              </button>
            </form>
          </details>
          <details>
            <summary class="secondary">{t.twoStep.turnOff}</summary>
            <form method="post" action="/security/two-step/off" novalidate>
              {offPassword}
              <Field name="code" id="off_code" label={t.twoStep.codeToConfirm} autocomplete="one-time-code" inputProps={codeInput} />
              <button type="submit" class="secondary">
                {t.twoStep.turnOff}
              </button>
            </form>
          </details>
        </>
      ) : (
        <form method="post" action="/security/two-step/setup" novalidate>
          {currentPassword}
          <button type="submit" class="button">
            {t.twoStep.turnOn}
          </button>
        </form>
      )}
      <p class="hint">{t.twoStep.passkeyNote}</p>
    </section>
  )
}
