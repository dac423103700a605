import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { FormAlert, Notice, Reminder } from './partials/notices'
import { PasskeySignIn } from './partials/passkey-controls'

export type LoginPageProps = {
  email?: string
  next?: string
  /** A field typed wrong (its message under it, the field focused and marked). */
  errors?: { email?: string; password?: string }
  /** The one answer for a wrong address or password, over the form. */
  failure?: string
  notice?: string
}

export function LoginPage({ email, next, errors = {}, failure, notice }: LoginPageProps) {
  return (
    <Layout title={t.login.title}>
      <h1>{t.login.title}</h1>
      <Notice text={notice} />
      {/* Not a role=alert (one present at load is not reliably announced): the
          password field is focused, marked and described by it, so it is read there. */}
      {failure && (
        <>
          <p class="alert" id="login-error">
            {failure}
          </p>
          {/* Offered after every failed sign-in, whatever the reason: it reveals nothing about the address. */}
          <p>
            <a href="/login/email">{t.login.confirmedElsewhere}</a>
          </p>
        </>
      )}
      <FormAlert errors={errors} />
      <form method="post" action="/login" novalidate>
        {next && <input type="hidden" name="next" value={next} />}
        <Field name="email" type="email" label={t.fields.email} value={email} error={errors.email} autocomplete="username webauthn" />
        <Field
          name="password"
          type="password"
          label={t.fields.password}
          error={errors.password}
          autocomplete="current-password"
          invalid={Boolean(failure)}
          describedBy={failure ? 'login-error' : undefined}
        />
        <button class="button" type="submit">
          {t.login.submit}
        </button>
      </form>
      <PasskeySignIn />
      <div class="links">
        {/* data-carry-email: the script takes the address typed above along (views/scripts.ts). */}
        <a href="/password/forgot" data-carry-email>
          {t.login.forgot}
        </a>
        <a href="/login/email" data-carry-email>
          {t.accessLink.offer}
        </a>
        <span>
          {t.login.noAccount} <a href="/signup">{t.login.signupLink}</a>
        </span>
      </div>
      <Reminder keepSafe={false} />
    </Layout>
  )
}
