import type { NewPasswordErrors } from './partials/password-feedback'
import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { NewPasswordFields } from './partials/new-password-fields'
import { FormAlert, Notice, Reminder } from './partials/notices'

export type SignupPageProps = {
  values?: { name?: string; email?: string }
  errors?: NewPasswordErrors & { name?: string; email?: string }
}

export function SignupPage({ values = {}, errors = {} }: SignupPageProps) {
  return (
    <Layout title={t.signup.title} htmx>
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

export type SignupSentPageProps = { email: string; notice?: string }

/**
 * The sign-up answer, the same for every address: the subject to look for,
 * when to expect it and what to do if it does not come, a resend (within the
 * mail budgets), a fix for a mistyped address and the way to sign in.
 */
export function SignupSentPage({ email, notice }: SignupSentPageProps) {
  return (
    <Layout title={t.signup.sentTitle}>
      <h1>{t.signup.sentTitle}</h1>
      <Notice text={notice} />
      <p>{t.signup.sent(email, [t.mail.verifySubject, t.mail.existsSubject])}</p>
      <p>{t.mailHelp.notArrived}</p>
      <form method="post" action="/signup/resend">
        <input type="hidden" name="email" value={email} />
        <button class="button" type="submit">
          {t.signup.resend}
        </button>
      </form>
      <div class="links">
        <a href="/signup">{t.login.mistyped}</a>
        <a href="/login">{t.signup.signInLink}</a>
      </div>
    </Layout>
  )
}
