import type { NewPasswordErrors } from '../src/auth/passwords'
import { t } from '../src/i18n'
import { Layout } from './layout'
import { NewPasswordFields } from './partials/new-password-fields'
import { FormAlert, Reminder, SwitchAccountField, SwitchAccountWarning, type SwitchWarning } from './partials/notices'

/** The token is not in this page: it travels in a short-lived HttpOnly cookie (see routes/passwords.ts). */
export function ResetPasswordPage({
  owner,
  account,
  errors = {},
  warning,
}: {
  owner: { name: string; email: string }
  /** The masked address of the account whose password this sets. */
  account: string
  errors?: NewPasswordErrors
  warning?: SwitchWarning | null
}) {
  return (
    <Layout title={t.reset.title}>
      <h1>{t.reset.title}</h1>
      <SwitchAccountWarning warning={warning} />
      <FormAlert errors={errors} />
      <p>{t.reset.account(account)}</p>
      <p>{t.reset.intro}</p>
      <form method="post" action="/password/reset" novalidate>
        <SwitchAccountField warning={warning} />
        {/* For the inline check (not your own name or address) and for password managers. */}
        <input type="hidden" name="email" value={owner.email} autocomplete="username" />
        <input type="hidden" name="name" value={owner.name} />
        <NewPasswordFields errors={errors} label={t.fields.newPassword} />
        <button class="button" type="submit">
          {t.reset.submit}
        </button>
      </form>
      <Reminder />
    </Layout>
  )
}
