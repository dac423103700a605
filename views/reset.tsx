import type { NewPasswordErrors } from './partials/password-feedback'
import { describeDevice, describePlace } from '../src/i18n/devices'
import { t } from '../src/i18n'
import { formatWhen } from './format'
import { Layout } from './layout'
import { NewPasswordFields } from './partials/new-password-fields'
import { FormAlert, Reminder, SwitchAccountField, SwitchAccountWarning, type SwitchWarning } from './partials/notices'
import type { PasskeyRow } from './partials/passkey-controls'

/** The token is not in this page: it travels in a short-lived HttpOnly cookie (see routes/passwords.ts). */
export function ResetPasswordPage({
  owner,
  account,
  passkeys = [],
  kept = [],
  errors = {},
  warning,
  timeZone,
}: {
  /** The owner's name and address, for password managers (hidden fields). */
  owner: { name: string; email: string }
  /** The masked address of the account whose password this sets. */
  account: string
  /** The account's passkeys: each removed by the reset unless its "Conservar" box is ticked. */
  passkeys?: PasskeyRow[]
  /** Ids ticked in a form that came back with errors. */
  kept?: string[]
  errors?: NewPasswordErrors
  warning?: SwitchWarning | null
  /** Where the request came from (Cloudflare's guess), for the times shown; none: UTC. */
  timeZone?: string | null
}) {
  return (
    <Layout title={t.reset.title} htmx>
      <h1>{t.reset.title}</h1>
      <SwitchAccountWarning warning={warning} />
      <FormAlert errors={errors} />
      <p>{t.reset.account(account)}</p>
      <p>{t.reset.intro}</p>
      <p>{t.reset.evicts}</p>
      <form method="post" action="/password/reset" novalidate>
        <SwitchAccountField warning={warning} />
        {/* For the inline check (not your own name or address) and for password managers. */}
        <input type="hidden" name="email" value={owner.email} autocomplete="username" />
        <input type="hidden" name="name" value={owner.name} />
        <NewPasswordFields errors={errors} label={t.fields.newPassword} />
        <PasskeysToKeep passkeys={passkeys} kept={kept} timeZone={timeZone} />
        <button class="button" type="submit">
          {t.reset.submit}
        </button>
      </form>
      <Reminder />
    </Layout>
  )
}

/**
 * The account's passkeys, each with an unticked "Conservar" box: a plain
 * checkbox in the same form, so it works without JavaScript. Name, when and
 * from where each was added, so the owner can tell hers from an intruder's.
 */
function PasskeysToKeep({ passkeys, kept, timeZone }: { passkeys: PasskeyRow[]; kept: string[]; timeZone?: string | null }) {
  if (passkeys.length === 0) return null
  return (
    <fieldset class="keep">
      <legend>{t.reset.passkeysTitle}</legend>
      <p class="hint">{t.reset.passkeysIntro}</p>
      <ul class="sessions">
        {passkeys.map((passkey) => (
          <li>
            <div>
              <strong id={`llave-${passkey.id}`}>{passkey.name}</strong>
              <span class="hint">
                {t.reset.added(formatWhen(passkey.createdAt, timeZone), describeDevice(passkey.userAgent ?? null), describePlace({ city: passkey.city ?? null, country: passkey.country ?? null }) ?? t.sessions.unknownPlace)}
              </span>
            </div>
            <label class="check">
              <input type="checkbox" name={`keep_${passkey.id}`} value="1" checked={kept.includes(passkey.id)} aria-describedby={`llave-${passkey.id}`} />
              {t.reset.keep}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  )
}
