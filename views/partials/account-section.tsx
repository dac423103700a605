import { t } from '../../src/i18n'
import { Field } from './field'

/**
 * What the two forms need: whether to ask the current password (an account
 * with one, on a session older than 10 minutes), whether only a fresh
 * sign-in will do (no password to ask), and the error of the form that was
 * sent, under its field.
 */
export type AccountSectionProps = {
  email: string
  askCurrentPassword: boolean
  asksFreshSignIn: boolean
  data?: { error?: string }
  deletion?: { email?: string; emailError?: string; passwordError?: string; error?: string }
}

const DATA_ERROR_ID = 'datos-error'
const DELETE_ERROR_ID = 'eliminar-error'

/**
 * "Sus datos" and "Eliminar la cuenta", at the end of Seguridad. Deleting
 * sits behind a <details> (no script) and asks for the address typed out:
 * a slip of the finger must not end an account. A form sent with an error
 * opens again with its message under the field.
 */
export function AccountSection({ email, askCurrentPassword, asksFreshSignIn, data, deletion }: AccountSectionProps) {
  return (
    <>
      <section id="datos" aria-labelledby="datos-titulo">
        <h2 id="datos-titulo">{t.account.dataTitle}</h2>
        <p>{t.account.dataIntro}</p>
        <form method="post" action="/security/data" novalidate>
          {askCurrentPassword && (
            <Field name="current_password" id="datos-contrasena" type="password" label={t.fields.currentPassword} hint={t.account.dataReauth} error={data?.error} autocomplete="current-password" />
          )}
          {!askCurrentPassword && data?.error && (
            <p class="error" id={DATA_ERROR_ID}>
              {data.error}
            </p>
          )}
          <ReauthButton show={askCurrentPassword || asksFreshSignIn} askCurrentPassword={askCurrentPassword} />
          <button type="submit" class="secondary" {...(!askCurrentPassword && data?.error ? { 'aria-describedby': DATA_ERROR_ID, autofocus: true } : {})}>
            {t.account.dataSubmit}
          </button>
        </form>
      </section>
      <section id="eliminar" aria-labelledby="eliminar-titulo">
        <h2 id="eliminar-titulo">{t.account.deleteTitle}</h2>
        <p>{t.account.deleteIntro}</p>
        <details class="confirm" open={Boolean(deletion)}>
          <summary class="secondary">{t.account.deleteOpen}</summary>
          <form method="post" action="/security/delete" novalidate>
            <Field
              name="email"
              id="eliminar-correo"
              type="email"
              label={t.account.deleteEmailLabel}
              hint={t.account.deleteEmailHint(email)}
              value={deletion?.email}
              error={deletion?.emailError}
              autocomplete="off"
            />
            {askCurrentPassword && (
              <Field name="current_password" id="eliminar-contrasena" type="password" label={t.fields.currentPassword} hint={t.account.deleteReauth} error={deletion?.passwordError} autocomplete="current-password" />
            )}
            {deletion?.error && (
              <p class="error" id={DELETE_ERROR_ID}>
                {deletion.error}
              </p>
            )}
            <ReauthButton show={askCurrentPassword || asksFreshSignIn} askCurrentPassword={askCurrentPassword} />
            <button type="submit" class="button danger" {...(deletion?.error ? { 'aria-describedby': DELETE_ERROR_ID, autofocus: true } : {})}>
              {t.account.deleteSubmit}
            </button>
          </form>
        </details>
      </section>
    </>
  )
}

/** "¿No la recuerda?" / "Reciba un enlace de acceso": mails an access link that brings the person back to Seguridad on a fresh session. */
function ReauthButton({ show, askCurrentPassword }: { show: boolean; askCurrentPassword: boolean }) {
  if (!show) return null
  return (
    <button type="submit" class="linklike" formaction="/profile/reauth" formnovalidate name="back" value="security">
      {askCurrentPassword ? t.profile.forgotCurrent : t.account.reauthLink}
    </button>
  )
}
