import { t } from '../../src/i18n'
import { passkeyAsset } from '../assets'
import { formatWhen } from '../format'

// Passkey controls start hidden: views/passkeys-script.ts reveals them where
// WebAuthn works. Without JavaScript or WebAuthn nothing dead is shown, and
// the list (with rename and delete, plain forms) shows only if there is one.

/** On /login, under the password form: the button; the email field offers passkeys in its autofill too. */
export function PasskeySignIn() {
  return (
    <div id="passkey-sign-in" class="passkey-sign-in" data-failed={t.passkeys.signInFailed} data-cancelled={t.passkeys.cancelled} hidden>
      <button type="button" class="secondary">
        {t.passkeys.signIn}
      </button>
      <p id="passkey-sign-in-error" class="error" role="alert" hidden></p>
      <script type="module" src={passkeyAsset.path}></script>
    </div>
  )
}

export type PasskeyRow = {
  id: string
  credentialId: string
  name: string
  createdAt: number
  lastUsedAt: number | null
  /** Where it was added from (null for passkeys added before this was recorded). */
  userAgent?: string | null
  city?: string | null
  country?: string | null
}

export type PasskeyListProps = {
  passkeys: PasskeyRow[]
  /** For the WebAuthn Signal API: which passkeys of this account still count. */
  rpId: string
  userHandle: string | null
  /** Where the request came from (Cloudflare's guess), for the times shown; none: UTC. */
  timeZone?: string | null
}

/** "Llaves de acceso" on the profile: each passkey with created and last used, rename and delete; "Agregar una llave de acceso". */
export function PasskeyList({ passkeys, rpId, userHandle, timeZone }: PasskeyListProps) {
  return (
    <section id="llaves" aria-labelledby="llaves-titulo" data-rp-id={rpId} data-user-id={userHandle ?? undefined} hidden={passkeys.length === 0}>
      <h2 id="llaves-titulo">{t.passkeys.title}</h2>
      <p class="hint">{t.passkeys.intro}</p>
      {/* The sessions' layout: text on the left, the control on the right. */}
      <ul class="sessions">
        {passkeys.map((passkey) => (
          <li data-credential-id={passkey.credentialId}>
            <div>
              <strong>{passkey.name}</strong>
              <span class="hint">
                {t.passkeys.created} {formatWhen(passkey.createdAt, timeZone)} ·{' '}
                {passkey.lastUsedAt ? `${t.passkeys.lastUsed} ${formatWhen(passkey.lastUsedAt, timeZone)}` : t.passkeys.neverUsed}
              </span>
            </div>
            <details class="confirm">
              <summary class="secondary">
                {t.passkeys.manage}
                <span class="visually-hidden">: {passkey.name}</span>
              </summary>
              <form method="post" action={`/profile/passkeys/${passkey.id}/rename`}>
                <label for={`llave-${passkey.id}`}>{t.passkeys.nameLabel}</label>
                <input id={`llave-${passkey.id}`} name="name" type="text" value={passkey.name} maxlength={64} required autocomplete="off" />
                <button type="submit" class="secondary">
                  {t.passkeys.rename}
                </button>
              </form>
              {/* Apart from "Cambiar nombre", in another style, and asked once more (a <details>: no script needed). */}
              <details class="confirm remove">
                <summary class="linklike danger">
                  {t.passkeys.remove}
                  <span class="visually-hidden">: {passkey.name}</span>
                </summary>
                <p>{t.passkeys.removeConfirm(passkey.name)}</p>
                <form method="post" action={`/profile/passkeys/${passkey.id}/delete`}>
                  <button type="submit" class="secondary danger" aria-label={`${t.passkeys.removeSubmit}: ${passkey.name}`}>
                    {t.passkeys.removeSubmit}
                  </button>
                </form>
              </details>
            </details>
          </li>
        ))}
      </ul>
      <p class="hint">{t.passkeys.recovery}</p>
      {/* No password field of its own: an old session's "Contraseña actual" is the profile form's one (the script sends it along). */}
      <PasskeyAddForm label={t.passkeys.add} buttonClass="secondary" />
      <script type="module" src={passkeyAsset.path}></script>
    </section>
  )
}

/**
 * "Agregar una llave de acceso": the form views/passkeys-script.ts drives
 * (hidden until it finds WebAuthn), on the profile and in the review after
 * a reset. On the profile the script adds the page's one "Contraseña
 * actual" (#current_password), when the page asks for it.
 */
export function PasskeyAddForm({ label, buttonClass }: { label: string; buttonClass: 'button' | 'secondary' }) {
  return (
    <form
      id="passkey-add"
      method="post"
      action="/profile/passkeys/options"
      data-failed={t.passkeys.registerFailed}
      data-cancelled={t.passkeys.cancelled}
      data-exists={t.passkeys.alreadyRegistered}
      hidden
    >
      <p id="passkey-add-error" class="error" role="alert" hidden></p>
      <button type="submit" class={buttonClass}>
        {label}
      </button>
    </form>
  )
}
