import { t } from '../../src/i18n'
import { formatWhen } from '../format'

export type PendingEmailChange = { id: string; newEmail: string; createdAt: number }

/** Seguridad's list of address changes still waiting for their link, each with "Cancelar"; nothing when there are none. */
export function PendingEmailChanges({ changes, timeZone }: { changes: PendingEmailChange[]; timeZone?: string | null }) {
  if (changes.length === 0) return null
  return (
    <section aria-labelledby="cambios-de-correo">
      <h2 id="cambios-de-correo">{t.emailChange.pendingTitle}</h2>
      <ul>
        {changes.map((change) => (
          <li>
            <p>{t.emailChange.pending(change.newEmail, formatWhen(change.createdAt, timeZone))}</p>
            <form method="post" action={`/security/email-changes/${change.id}/cancel`}>
              <button type="submit" class="secondary">
                {t.emailChange.cancel}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  )
}
