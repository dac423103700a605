import type { Child } from 'hono/jsx'
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
          <CodeConfirmedForm action="/security/two-step/codes" title={t.twoStep.renew} password={currentPassword} codeId="renew_code" buttonClass="button" />
          <CodeConfirmedForm action="/security/two-step/off" title={t.twoStep.turnOff} password={offPassword} codeId="off_code" buttonClass="secondary" />
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

/** A change made with a current code (renew the codes, turn it off): folded under its title, with the current password when asked. */
function CodeConfirmedForm({ action, title, password, codeId, buttonClass }: { action: string; title: string; password: Child; codeId: string; buttonClass: string }) {
  return (
    <details>
      <summary class="secondary">{title}</summary>
      <form method="post" action={action} novalidate>
        {password}
        <Field name="code" id={codeId} label={t.twoStep.codeToConfirm} autocomplete="one-time-code" inputProps={codeInput} />
        <button type="submit" class={buttonClass}>
          {title}
        </button>
      </form>
    </details>
  )
}
