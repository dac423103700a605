import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { FormAlert, Reminder, SwitchAccountField, SwitchAccountWarning, type SwitchWarning } from './partials/notices'

/** Step 1: ask for an access link (a link and a code) by mail. */
export function AccessLinkPage({ email, error, fromForgot }: { email?: string; error?: string; fromForgot?: boolean }) {
  return (
    <Layout title={t.accessLink.title}>
      <h1>{t.accessLink.title}</h1>
      <FormAlert errors={{ email: error }} />
      <p>{t.accessLink.intro}</p>
      <form method="post" action="/login/email" novalidate>
        {fromForgot && <input type="hidden" name="from" value="forgot" />}
        <Field name="email" type="email" label={t.fields.email} value={email} error={error} autocomplete="email" />
        <button class="button" type="submit">
          {t.accessLink.submit}
        </button>
      </form>
      <div class="links">
        <a href="/login">{t.forgot.back}</a>
      </div>
      <Reminder keepSafe={false} />
    </Layout>
  )
}

/**
 * Step 2: the same answer for every address, with the code form for this
 * browser. Without `email` it is the code form alone (after a wrong code).
 */
export function AccessLinkSentPage({ email, feedback }: { email?: string; feedback?: CodeFeedbackProps }) {
  const title = email ? t.accessLink.sentTitle : t.accessLink.codeTitle
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      {email && t.accessLink.sent(email, t.mail.accessLinkSubject).map((paragraph) => <p>{paragraph}</p>)}
      <CodeForm feedback={feedback} />
      <div class="links">
        <a href="/login/email">{t.login.mistyped}</a>
        <a href="/login">{t.login.title}</a>
      </div>
    </Layout>
  )
}

export type CodeFeedbackProps = { error?: string }

export const CODE_FEEDBACK_ID = 'code-feedback'

/**
 * Where the outcome of a code attempt is said: a live region that stays in
 * the page. The full page renders it with its message; after a wrong code
 * htmx replaces only its content (innerHTML) with CodeMessage, so screen
 * readers announce the change.
 */
function CodeFeedback({ error }: CodeFeedbackProps) {
  return (
    <div id={CODE_FEEDBACK_ID} class="feedback" aria-live="polite">
      <CodeMessage error={error} />
    </div>
  )
}

/** The message itself, with the way to a new code right next to it. */
export function CodeMessage({ error }: CodeFeedbackProps) {
  if (!error) return null
  return (
    <p class="error">
      {error} <a href="/login/email">{t.accessLink.newCode}</a>
    </p>
  )
}

// With htmx the form posts in place: a wrong code swaps only the feedback
// (a 422, which htmx 4 swaps), the right one answers HX-Redirect. Without
// JavaScript it is an ordinary form post.
export function CodeForm({ feedback = {} }: { feedback?: CodeFeedbackProps }) {
  return (
    <form
      method="post"
      action="/login/code"
      hx-post="/login/code"
      hx-target={`#${CODE_FEEDBACK_ID}`}
      hx-swap="innerHTML"
      novalidate
    >
      <p>{t.accessLink.codeIntro}</p>
      <label for="code">{t.accessLink.codeLabel}</label>
      <input
        id="code"
        name="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]*"
        maxlength={6}
        required
        aria-invalid={feedback.error ? 'true' : undefined}
        aria-describedby={CODE_FEEDBACK_ID}
      />
      <CodeFeedback {...feedback} />
      <button class="button" type="submit">
        {t.accessLink.codeSubmit}
      </button>
    </form>
  )
}

/** The mailed link: one button, so a mail scanner's GET signs nobody in. */
export function ContinueAsPage({ maskedEmail, token, warning }: { maskedEmail: string; token: string; warning?: SwitchWarning | null }) {
  return (
    <Layout title={t.accessLink.continueTitle}>
      <h1>{t.accessLink.continueTitle}</h1>
      <SwitchAccountWarning warning={warning} />
      <p>{t.accessLink.continueAs(maskedEmail)}</p>
      <p>{t.accessLink.continueIntro}</p>
      <form method="post" action={`/login/email/${token}`}>
        <SwitchAccountField warning={warning} />
        <button class="button" type="submit">
          {t.accessLink.continueSubmit}
        </button>
      </form>
    </Layout>
  )
}
