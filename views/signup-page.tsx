import type { NewPasswordErrors } from './partials/password-feedback'
import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { NewPasswordFields } from './partials/new-password-fields'
import { FormAlert, Reminder } from './partials/notices'

export type SignupPageProps = {
  values?: { name?: string; email?: string }
  errors?: NewPasswordErrors & { name?: string; email?: string }
}

export function SignupPage({ values = {}, errors = {} }: SignupPageProps) {
  return (
    <Layout title={t.signup.title}>
      <h1>{t.signup.title}</h1>
      <FormAlert errors={errors} />
      <form method="post" action="/signup" novalidate>
        <Field name="name" label={t.fields.name} value={values.name} error={errors.name} autocomplete="name" />
        <Field name="email" type="email" label={t.fields.email} value={values.email} error={errors.email} autocomplete="email" />
        <NewPasswordFields errors={errors} />
        <button class="button" type="submit">
          {t.signup.submit}
        </button>
      </form>
      <div class="links">
        <span>
          {t.signup.haveAccount} <a href="/login">{t.signup.signInLink}</a>
        </span>
      </div>
      <Reminder />
    </Layout>
  )
}
