import { t } from '../../src/i18n'
import { passkeyAsset } from '../assets'
import { PasskeyAddForm, type PasskeyRow } from './passkey-controls'

export type ResetReviewProps = {
  /** What the reset closed, as its batch counted it. */
  closed: { sessions: number; passkeys: number; browsers: number }
  /** The passkeys left: the ones kept at the reset (and any added since). */
  passkeys: PasskeyRow[]
  /** This session's device, described. */
  thisDevice: string
  rpId: string
  userHandle: string | null
  /** Where the person was going when the reset was asked for (a checked place), offered once the review is read. */
  onward?: string
}

/**
 * Seguridad right after a reset: what can enter the account now, what the
 * reset closed, and one tap to add a passkey on this device again. The
 * section is the passkey module's "llaves" list (views/passkeys-script.ts):
 * it reveals the add button where WebAuthn works, and tells this device
 * which of its passkeys still count, so a removed one stops being offered.
 */
export function ResetReview({ closed, passkeys, thisDevice, rpId, userHandle, onward }: ResetReviewProps) {
  return (
    <section id="llaves" class="notice review" aria-labelledby="revision-titulo" data-rp-id={rpId} data-user-id={userHandle ?? undefined}>
      <p id="revision-titulo" role="status">
        <strong>{t.security.review.title}</strong>
      </p>
      <ul>
        <li>{t.security.review.thisSession(thisDevice)}</li>
        {passkeys.map((passkey) => (
          <li data-credential-id={passkey.credentialId}>{t.security.review.passkey(passkey.name)}</li>
        ))}
        {passkeys.length === 0 && <li>{t.security.review.noPasskeys}</li>}
      </ul>
      <p>{t.security.review.closedTitle}</p>
      <ul>
        <li>{t.security.review.sessions(closed.sessions)}</li>
        <li>{t.security.review.passkeys(closed.passkeys)}</li>
        <li>{t.security.review.browsers(closed.browsers)}</li>
      </ul>
      <p class="hint">{t.security.review.apps}</p>
      {/* The profile's add form: this session is fresh, so no current password is asked. */}
      <PasskeyAddForm label={t.security.review.addPasskey} buttonClass="button" />
      {onward && (
        <p>
          <a href={onward}>{t.security.review.onward}</a>
        </p>
      )}
      <script type="module" src={passkeyAsset.path}></script>
    </section>
  )
}
