import { t } from '../src/i18n'
import { Layout } from './layout'
import { Field } from './partials/field'
import { FormAlert } from './partials/notices'

/** A 6-digit code field: digits on a phone's keypad, and the code an OS offers from a message filled in. */
const codeInput = { inputmode: 'numeric', maxlength: '20', spellcheck: 'false', autocapitalize: 'off' }

export type SecondStepPageProps = {
  next?: string
  error?: string
  /** The held first step ended (5 minutes, or too many tries): only "sign in again" is left. */
  expired?: boolean
  supportEmail: string
}

/** Sign-in's second step: the app's code, or a recovery code. */
export function SecondStepPage({ next, error, expired, supportEmail }: SecondStepPageProps) {
  return (
    <Layout title={t.twoStep.signInTitle}>
      <h1>{t.twoStep.signInTitle}</h1>
      {expired ? (
        <>
          <p>{t.twoStep.expired}</p>
          <a class="button" href="/login">
            {t.login.title}
          </a>
        </>
      ) : (
        <>
          <FormAlert errors={{ code: error }} />
          <form method="post" action="/login/two-step" novalidate>
            {next && <input type="hidden" name="next" value={next} />}
            <Field name="code" label={t.twoStep.signInIntro} error={error} autocomplete="one-time-code" inputProps={codeInput} focus />
            {/* Unchecked by default: a shared or borrowed computer must not keep skipping it. */}
            <label class="check">
              <input type="checkbox" name="remember" value="1" /> {t.twoStep.remember}
            </label>
            <button class="button" type="submit">
              {t.twoStep.signInSubmit}
            </button>
          </form>
          <details>
            <summary>{t.twoStep.useRecovery}</summary>
            <form method="post" action="/login/two-step" novalidate>
              {next && <input type="hidden" name="next" value={next} />}
              <Field name="code" id="recovery_code" label={t.twoStep.recoveryLabel} autocomplete="off" inputProps={{ spellcheck: 'false', autocapitalize: 'off', maxlength: '40' }} />
              <button class="button" type="submit">
                {t.twoStep.signInSubmit}
              </button>
            </form>
            <p>{t.twoStep.lostAll(supportEmail)}</p>
          </details>
        </>
      )}
    </Layout>
  )
}

export type TwoStepSetupPageProps = {
  user: { name: string; email: string }
  /** The QR code as an image URL (data:), the secret in groups of four, and the otpauth:// link. */
  qrImage: string
  secretForTyping: string
  keyUri: string
  error?: string
}

/** Setting up the app: scan (desktop) or tap the link / type the key (the phone that holds the app), then a first code. */
export function TwoStepSetupPage({ user, qrImage, secretForTyping, keyUri, error }: TwoStepSetupPageProps) {
  return (
    <Layout title={t.twoStep.setupTitle} user={user} current="/security">
      <h1>{t.twoStep.setupTitle}</h1>
      <FormAlert errors={{ code: error }} />
      <p>{t.twoStep.setupScan}</p>
      <img class="qr" src={qrImage} width="240" height="240" alt={t.twoStep.qrAlt} />
      <p>{t.twoStep.setupOnPhone}</p>
      <p>
        <a class="button" href={keyUri}>
          {t.twoStep.setupLink}
        </a>
      </p>
      <p>
        {t.twoStep.setupKey}: <code id="two-step-key">{secretForTyping}</code>
      </p>
      <form method="post" action="/security/two-step/confirm" novalidate>
        <p>{t.twoStep.setupConfirm}</p>
        <Field name="code" label={t.twoStep.code} error={error} autocomplete="one-time-code" inputProps={codeInput} focus={Boolean(error)} />
        <button class="button" type="submit">
          {t.twoStep.confirm}
        </button>
      </form>
      <div class="links">
        <a href="/security">{t.twoStep.back}</a>
      </div>
    </Layout>
  )
}

/** The recovery codes, shown once: as text to copy, and as a file to download. */
export function RecoveryCodesPage({ user, codes, notice }: { user: { name: string; email: string }; codes: string[]; notice?: string }) {
  const file = t.twoStep.codesFile(user.email) + codes.join('\n') + '\n'
  return (
    <Layout title={t.twoStep.codesTitle} user={user} current="/security">
      <h1>{t.twoStep.codesTitle}</h1>
      {notice && <p role="status">{notice}</p>}
      <p>{t.twoStep.codesIntro}</p>
      <pre id="recovery-codes" class="recovery-codes">
        {codes.join('\n')}
      </pre>
      <p>
        <a class="button" download="ecuabots-codigos-de-recuperacion.txt" href={`data:text/plain;charset=utf-8,${encodeURIComponent(file)}`}>
          {t.twoStep.download}
        </a>{' '}
        <button type="button" class="button secondary" data-copy="recovery-codes" data-copied={t.twoStep.copied}>
          {t.twoStep.copy}
        </button>
      </p>
      <a href="/security">{t.twoStep.saved}</a>
    </Layout>
  )
}
