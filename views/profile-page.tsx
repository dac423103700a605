import type { NewPasswordErrors } from './partials/password-feedback'
import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { NewPasswordFields } from './partials/new-password-fields'
import { FormAlert, Notice, Reminder, Warning } from './partials/notices'
import { PasskeyList, type PasskeyListProps } from './partials/passkey-controls'

export type ProfileErrors = NewPasswordErrors & { name?: string; current_password?: string }

export type ProfilePageProps = {
  user: { name: string; email: string; mailBouncedAt?: number | null }
  name?: string
  errors?: ProfileErrors
  notice?: string
  /** The account has no password yet (confirmed from another device): the page asks for one first. */
  needsPassword?: boolean
  /** The session is older than the fresh-authentication window. */
  askCurrentPassword: boolean
  passkeys: PasskeyListProps
  /** Named where the page says to write to support. */
  supportEmail: string
}

/**
 * The form first, "GUARDAR PERFIL" right under it; sessions and activity
 * live on "Seguridad". Someone asked for a password they do not remember
 * has a way out: "¿No la recuerda?" mails an enlace de acceso and comes back
 * here on a fresh session, with the name typed so far kept. An old session
 * shows one "Contraseña actual", inside this form before GUARDAR PERFIL: the
 * password change and "Agregar una llave de acceso" both use it, so the tab
 * order runs through this form's fields, then its button, and nothing else.
 */
export function ProfilePage(props: ProfilePageProps) {
  const { user, name, errors = {}, notice, askCurrentPassword, needsPassword = false } = props
  return (
    <Layout title={t.profile.title} user={user} current="/profile" wide htmx>
      <h1>{t.profile.title}</h1>
      {needsPassword ? <Warning text={t.profile.createPassword} /> : <Notice text={notice} />}
      {/* Information in the page at load, not an error of this form: a status (a role=alert at load is not reliably announced). */}
      {user.mailBouncedAt && (
        <p class="alert" role="status">
          {t.profile.bouncing(props.supportEmail)}
        </p>
      )}
      <FormAlert errors={errors} />
      <form method="post" action="/profile" novalidate>
        <Field name="name" label={t.fields.name} value={name ?? user.name} error={errors.name} autocomplete="name" />
        <dl>
          <dt>{t.fields.email}</dt>
          <dd>
            {user.email} <a href="/profile/email">{t.emailChange.link}</a>
          </dd>
        </dl>
        {/* For the inline password check (not your own address) and for password managers. */}
        <input type="hidden" name="email" value={user.email} autocomplete="username" />
        <h2>{needsPassword ? t.profile.firstPasswordSection : t.profile.passwordSection}</h2>
        {/* Without a password there is none to keep: both fields are required and "Déjela en blanco" is not offered. */}
        <NewPasswordFields errors={errors} optional={!needsPassword} label={needsPassword ? t.fields.password : t.fields.newPassword} />
        {askCurrentPassword && (
          <>
            <Field
              name="current_password"
              type="password"
              label={t.fields.currentPassword}
              hint={t.profile.reauth}
              error={errors.current_password}
              autocomplete="current-password"
              required={false}
            />
            <button type="submit" class="linklike" formaction="/profile/reauth" formnovalidate>
              {t.profile.forgotCurrent}
            </button>
          </>
        )}
        <button class="button" type="submit">
          {t.profile.submit}
        </button>
      </form>
      <PasskeyList {...props.passkeys} />
      <div class="links">
        <a href="/security">{t.security.link}</a>
      </div>
      <Reminder />
    </Layout>
  )
}
