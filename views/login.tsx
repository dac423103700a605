import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { Notice, Reminder } from './partials/notices'

export type LoginPageProps = { email?: string; next?: string; error?: string; notice?: string }

export function LoginPage({ email, next, error, notice }: LoginPageProps) {
  return (
    <Layout title={t.login.title}>
      <h1>{t.login.title}</h1>
      <Notice text={notice} />
      {error && (
        <p class="alert" role="alert" id="login-error">
          {error}
        </p>
      )}
      <form method="post" action="/login" novalidate>
        {next && <input type="hidden" name="next" value={next} />}
        <Field name="email" type="email" label={t.fields.email} value={email} autocomplete="email" />
        <Field name="password" type="password" label={t.fields.password} autocomplete="current-password" focus={Boolean(error && email)} />
        <button class="button" type="submit">
          {t.login.submit}
        </button>
      </form>
      <div class="links">
        <a href="/password/forgot">{t.login.forgot}</a>
        <a href="/login/email">{t.emailLogin.offer}</a>
        <span>
          {t.login.noAccount} <a href="/signup">{t.login.signupLink}</a>
        </span>
      </div>
      <Reminder keepSafe={false} />
    </Layout>
  )
}
