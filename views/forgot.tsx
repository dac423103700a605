import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { FormAlert, Reminder } from './partials/notices'

export function ForgotPasswordPage({ email, error }: { email?: string; error?: string }) {
  return (
    <Layout title={t.forgot.title}>
      <h1>{t.forgot.title}</h1>
      <FormAlert errors={{ email: error }} />
      <p>{t.forgot.intro}</p>
      <form method="post" action="/password/forgot" novalidate>
        <Field name="email" type="email" label={t.fields.email} value={email} error={error} autocomplete="email" />
        <button class="button" type="submit">
          {t.forgot.submit}
        </button>
      </form>
      <div class="links">
        <a href="/login">{t.forgot.back}</a>
        <a href="/login/email?from=forgot">{t.accessLink.offer}</a>
      </div>
      <Reminder keepSafe={false} />
    </Layout>
  )
}
