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
  const [whichMail, lookInSpam] = email ? t.accessLink.sent(email, t.mail.accessLinkSubject) : []
  return (
    <Layout title={title} htmx>
      <h1>{title}</h1>
      {/* On a 320 px phone the code field and its button sit above the fold:
          what the mail is called first, the form, then where else to look. */}
      {whichMail && <p>{whichMail}</p>}
      <CodeForm feedback={feedback} />
      {lookInSpam && <p>{lookInSpam}</p>}
      <div class="links">
        <a href="/login/email">{t.login.mistyped}</a>
        <a href="/login">{t.login.title}</a>
      </div>
    </Layout>
  )
}

/**
 * "¿No la recuerda?" asked from the profile (or Seguridad): written for the
 * signed-in owner of the address, who asked for a mail to her own account —
 * no "si tiene una cuenta", no other address, no sign-in.
 */
export function ReauthSentPage({ user, back }: { user: { name: string; email: string }; back: '/profile' | '/security' }) {
  const { email } = user
  return (
    <Layout title={t.accessLink.sentTitle} user={user} htmx>
      <h1>{t.accessLink.sentTitle}</h1>
      {t.accessLink.reauthSent(email, t.mail.accessLinkSubject).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      <CodeForm />
      <div class="links">
        <a href={back}>{back === '/security' ? t.accessLink.reauthBackSecurity : t.accessLink.reauthBack}</a>
      </div>
    </Layout>
  )
}

export type CodeFeedbackProps = { error?: string }

export const CODE_FEEDBACK_ID = 'code-feedback'

/** What the code field takes: 6 digits, perhaps typed with spaces; anything longer is refused unread. */
export const MAX_CODE_INPUT = 16

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
      <label for="code">{t.accessLink.codeLabel}</label>
      {/* Focused on arrival: the code is what this page is for. Spaces are
          allowed ("123 456", as some mail apps show it) and the server strips
          them, so the length leaves room for them. */}
      <input
        id="code"
        name="code"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength={MAX_CODE_INPUT}
        required
        autofocus
        aria-invalid={feedback.error ? 'true' : undefined}
        aria-describedby={feedback.error ? CODE_FEEDBACK_ID : `code-hint ${CODE_FEEDBACK_ID}`}
      />
      <CodeFeedback {...feedback} />
      <button class="button" type="submit">
        {t.accessLink.codeSubmit}
      </button>
      {/* Under the button, so on a 320 px phone the field and the button come first; the field still names it (aria-describedby). */}
      <p class="hint" id="code-hint" hidden={Boolean(feedback.error)}>
        {t.accessLink.codeIntro}
      </p>
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
