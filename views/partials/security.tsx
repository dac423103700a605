import { describeDevice, describePlace } from '../../src/http/client'
import { t } from '../../src/i18n'
import { formatWhen } from '../format'

export type SessionRow = {
  id: string
  createdAt: number
  lastSeenAt: number
  method: string
  userAgent: string | null
  city: string | null
  country: string | null
}

/** "Sesiones activas": each with device, place, start and last activity; "Cerrar" on each, and on all the others. */
export function SessionsList({ sessions, currentId }: { sessions: SessionRow[]; currentId: string }) {
  return (
    <section id="sesiones" aria-labelledby="sesiones-titulo">
      <h2 id="sesiones-titulo">{t.sessions.title}</h2>
      <ul class="rows">
        {sessions.map((session) => (
          <li>
            <strong>{describeDevice(session.userAgent)}</strong>
            {session.id === currentId && <span class="badge"> · {t.sessions.thisOne}</span>}
            <br />
            <span class="hint">
              {describePlace(session) ?? t.sessions.unknownPlace} · {t.sessions.started} {formatWhen(session.createdAt)} ·{' '}
              {t.sessions.lastSeen} {formatWhen(session.lastSeenAt || session.createdAt)}
            </span>
            <form method="post" action={`/profile/sessions/${session.id}/revoke`} class="inline">
              <button type="submit" class="secondary" aria-label={`${t.sessions.revoke}: ${describeDevice(session.userAgent)}`}>
                {t.sessions.revoke}
              </button>
            </form>
          </li>
        ))}
      </ul>
      {sessions.length > 1 && (
        <form method="post" action="/profile/sessions/revoke-others">
          <button type="submit" class="secondary">
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
}

/** "Actividad de seguridad": the last events, with time, device and place. */
export function ActivityList({ events }: { events: EventRow[] }) {
  return (
    <section id="actividad" aria-labelledby="actividad-titulo">
      <h2 id="actividad-titulo">{t.activity.title}</h2>
      {events.length === 0 && <p class="hint">{t.activity.empty}</p>}
      <ul class="rows">
        {events.map((event) => (
          <li>
            <strong>
              {t.activity.types[event.type] ?? event.type}
              {event.method && ` ${t.activity.methods[event.method] ?? ''}`}
            </strong>
            <br />
            <span class="hint">
              {formatWhen(event.createdAt)} · {describeDevice(event.userAgent)} · {describePlace(event) ?? t.sessions.unknownPlace}
              {event.ip && ` · IP ${event.ip}`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
