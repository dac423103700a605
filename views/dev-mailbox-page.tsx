import { t } from '../src/i18n'
import { formatWhen } from './format'
import { Layout } from './layout'

/** One outbox mail as the developer reads it, its bodies opened. */
export type DevMail = {
  id: string
  kind: string
  recipient: string
  subject: string
  status: string
  attempts: number
  lastError: string | null
  textBody: string
  createdAt: number
}

export function DevMailboxPage({ mails, appUrl }: { mails: DevMail[]; appUrl: string }) {
  return (
    <Layout title={t.dev.title} wide>
      <h1>{t.dev.title}</h1>
      <p class="hint">{t.dev.intro}</p>
      {mails.length === 0 && <p>{t.dev.empty}</p>}
      {mails.map((mail) => (
        <article id={`mail-${mail.id}`}>
          <h2>{mail.subject}</h2>
          {mail.status === 'withheld' ? (
            // A budget held it back (see recordWithheldMail): no body was kept, only why.
            <p class="hint">
              {formatWhen(mail.createdAt, null)} · {mail.kind} · {mail.recipient} · <strong>{t.dev.withheld}</strong> {mail.lastError}
            </p>
          ) : (
            <>
              <p class="hint">
                {formatWhen(mail.createdAt, null)} · {mail.kind} · {mail.recipient} · <strong>{mail.status}</strong> · {t.dev.attempts}{' '}
                {mail.attempts}
                {mail.lastError && ` · ${mail.lastError}`} · <a href={`/dev/mail/${mail.id}/html`}>HTML</a>
              </p>
              <pre>{linkify(mail.textBody, appUrl)}</pre>
            </>
          )}
        </article>
      ))}
    </Layout>
  )
}

/** Turns this app's URLs in a text body into links, so a developer can click through a flow. */
function linkify(text: string, appUrl: string) {
  return text.split(/(https?:\/\/\S+)/).map((part) => (part.startsWith(appUrl) ? <a href={part}>{part}</a> : part))
}
