import { describeDevice, describePlace } from '../../src/i18n/devices'
import { t } from '../../src/i18n'
import { formatWhen } from '../format'
import { Field } from './field'

/**
 * "Cerrar todas las demás sesiones" asks a session older than 10 minutes who
 * it is, as a password change does: the current password, or (an account
 * without one, or someone who forgot it) a mailed enlace de acceso.
 */
export type RevokeOthersProps = { askCurrentPassword: boolean; asksFreshSignIn: boolean; error?: string }

const REVOKE_OTHERS_ERROR_ID = 'cerrar-otras-error'

export type SessionRow = {
  id: string
  createdAt: number
  lastSeenAt: number
  method: string
  userAgent: string | null
  city: string | null
  country: string | null
}

/**
 * "Sesiones activas": this device first and labelled, then the others, most
 * recently used first. One row per session on a grid, so the buttons line
 * up; each button's accessible name says which session it closes (device
 * and start time), since "Cerrar" three times tells a screen reader nothing.
 * Closing this device's own session asks first (a <details>, no script).
 */
export function SessionsList({ sessions, currentId, revokeOthers, timeZone }: { sessions: SessionRow[]; currentId: string; revokeOthers: RevokeOthersProps; timeZone?: string | null }) {
  const ordered = [...sessions.filter((s) => s.id === currentId), ...sessions.filter((s) => s.id !== currentId)]
  // An error with no field to mark (no current password asked): said beside the button that is the way on.
  const errorWithoutField = !revokeOthers.askCurrentPassword && Boolean(revokeOthers.error)
  const describedByError = { 'aria-describedby': REVOKE_OTHERS_ERROR_ID, autofocus: true }
  return (
    <section id="sesiones" aria-labelledby="sesiones-titulo">
      <h2 id="sesiones-titulo">{t.sessions.title}</h2>
      <ul class="sessions">
        {ordered.map((session) => {
          const device = describeDevice(session.userAgent)
          const started = formatWhen(session.createdAt, timeZone)
          const here = session.id === currentId
          return (
            <li>
              <div>
                <span>
                  <strong>{device}</strong>
                  {here && <span class="badge"> · {t.sessions.thisOne}</span>}
                </span>
                <span class="hint">
                  {/* Place, start, how it started and last use: two sessions of one phone model still read apart. */}
                  {describePlace(session) ?? t.sessions.unknownPlace} · {t.sessions.started} {started} {t.activity.methods[session.method] ?? ''} · {t.sessions.lastSeen}{' '}
                  {formatWhen(session.lastSeenAt || session.createdAt, timeZone)}
                </span>
              </div>
              {here ? (
                <details class="confirm">
                  <summary class="secondary">{t.sessions.revokeHere}</summary>
                  <p>{t.sessions.revokeHereConfirm}</p>
                  <form method="post" action={`/profile/sessions/${session.id}/revoke`}>
                    <button type="submit" class="button">
                      {t.sessions.revokeHereSubmit}
                    </button>
                  </form>
                </details>
              ) : (
                <form method="post" action={`/profile/sessions/${session.id}/revoke`}>
                  <button type="submit" class="secondary" aria-label={t.sessions.revokeLabel(device, started)}>
                    {t.sessions.revoke}
                  </button>
                </form>
              )}
            </li>
          )
        })}
      </ul>
      {sessions.length > 1 && (
        <form method="post" action="/profile/sessions/revoke-others" novalidate>
          {revokeOthers.askCurrentPassword && (
            <Field
              name="current_password"
              type="password"
              label={t.fields.currentPassword}
              hint={t.sessions.revokeOthersReauth}
              error={revokeOthers.error}
              autocomplete="current-password"
            />
          )}
          {/* Not a role=alert (one in the page at load is not reliably announced): the way on is focused and read with it. */}
          {errorWithoutField && (
            <p class="error" id={REVOKE_OTHERS_ERROR_ID}>
              {revokeOthers.error}
            </p>
          )}
          {(revokeOthers.askCurrentPassword || revokeOthers.asksFreshSignIn) && (
            <button type="submit" class="linklike" formaction="/profile/reauth" formnovalidate name="back" value="security" {...(errorWithoutField ? describedByError : {})}>
              {revokeOthers.askCurrentPassword ? t.profile.forgotCurrent : t.sessions.revokeOthersLink}
            </button>
          )}
          <button type="submit" class="secondary" {...(errorWithoutField && !revokeOthers.asksFreshSignIn ? describedByError : {})}>
            {t.sessions.revokeOthers}
          </button>
        </form>
      )}
    </section>
  )
}

export type EventRow = {
  type: string
  method: string | null
  createdAt: number
  ip: string | null
  userAgent: string | null
  city: string | null
  country: string | null
  /** What else the event recorded, as JSON: for a change made by support, the operator who made it. */
  detail?: string | null
}

/** The operator named by an event support made (src/auth/two-step.ts, turnOffTwoStepBySupport). */
function operatorOf(event: EventRow): string | null {
  if ((event.type !== 'two_step_disabled_by_support' && event.type !== 'evicted_by_support') || !event.detail) return null
  try {
    const { operator } = JSON.parse(event.detail) as { operator?: unknown }
    return typeof operator === 'string' ? operator : null
  } catch {
    return null
  }
}

/** "Actividad de seguridad": the last events, with time, device and place; the IP only as a detail. */
export function ActivityList({ events, timeZone }: { events: EventRow[]; timeZone?: string | null }) {
  return (
    <section id="actividad" aria-labelledby="actividad-titulo">
      <h2 id="actividad-titulo">{t.activity.title}</h2>
      {events.length === 0 && <p class="hint">{t.activity.empty}</p>}
      <ul class="rows">
        {events.map((event) => {
          const operator = operatorOf(event)
          return (
            <li>
              <strong>
                {t.activity.types[event.type] ?? event.type}
                {event.method && ` ${t.activity.methods[event.method] ?? ''}`}
              </strong>
              <span class="hint">
                {formatWhen(event.createdAt, timeZone)} ·{' '}
                {operator !== null ? t.activity.bySupport(operator) : `${describeDevice(event.userAgent)} · ${describePlace(event) ?? t.sessions.unknownPlace}`}
              </span>
              {event.ip && <span class="hint detail">IP {event.ip}</span>}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
