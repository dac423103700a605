import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { FormAlert, Reminder, Warning } from './partials/notices'

export type EmailChangeErrors = { email?: string; current_password?: string }

export type EmailChangePageProps = {
  user: { name: string; email: string }
  /** The new address as typed (normalised), when the form comes back. */
  email?: string
  errors?: EmailChangeErrors
  /** The session is older than the fresh-authentication window and the account has a password. */
  askCurrentPassword: boolean
  /** Why the form cannot be sent from this session (an account without a password, on an old session). */
  warning?: string
}

/**
 * "Cambiar correo electrónico": the new address, and the current password
 * when the session is old (as for a new password). The link goes to the
 * new address; the current one keeps working until it is opened.
 */
export function EmailChangePage({ user, email, errors = {}, askCurrentPassword, warning }: EmailChangePageProps) {
  return (
    <Layout title={t.emailChange.title} user={user}>
      <h1>{t.emailChange.title}</h1>
      <Warning text={warning} />
      <FormAlert errors={errors} />
      <p>{t.emailChange.intro(user.email)}</p>
      <form method="post" action="/profile/email" novalidate>
        {/* For password managers: the account the current password belongs to. */}
        <input type="hidden" name="username" value={user.email} autocomplete="username" />
        <Field name="email" type="email" label={t.emailChange.newEmail} value={email} error={errors.email} autocomplete="email" />
        {askCurrentPassword && (
          <Field name="current_password" type="password" label={t.fields.currentPassword} hint={t.emailChange.reauth} error={errors.current_password} autocomplete="current-password" />
        )}
        <button class="button" type="submit">
          {t.emailChange.submit}
        </button>
      </form>
      <div class="links">
        <a href="/profile">{t.emailChange.back}</a>
      </div>
      <Reminder keepSafe={false} />
    </Layout>
  )
}

/**
 * A mailed link's page — the confirmation (opened in the new mailbox) or
 * "No fui yo" (in the old one): what the button will do, and the button,
 * which posts back to the same link. The GET changes nothing: mail scanners
 * open links.
 */
export function EmailChangeLinkPage({ action, title, intro, submit }: { action: string; title: string; intro: string; submit: string }) {
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>{intro}</p>
      <form method="post" action={action}>
        <button class="button" type="submit">
          {submit}
        </button>
      </form>
    </Layout>
  )
}
