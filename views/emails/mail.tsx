import { t } from '../../src/i18n'

/** One mail's content; the text and the HTML bodies are both rendered from it, so they never disagree. */
export type MailContent = {
  subject: string
  greeting: string
  paragraphs: string[]
  action?: { label: string; url: string }
  /** A one-time code, shown large and on its own so it is easy to read and copy. */
  code?: { intro: string; value: string }
  /** Lines after the button: lifetime, what to do if it was not you. */
  after?: { text: string; url?: string }[]
  /** "Si no fue usted, ignore este correo" — wrong for a mail about something that already happened. */
  ignorable?: boolean
  /** To an address nobody has confirmed yet: "si no creó esta cuenta, ignore este correo". */
  unconfirmed?: boolean
}

export function renderMail(appName: string, content: MailContent): { subject: string; text: string; html: string } {
  const footer = content.ignorable === false ? [t.neverAsks] : [content.unconfirmed ? t.mail.ignoreUnconfirmed : t.mail.ignore, t.neverAsks]
  const text = [
    content.greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [content.action.url, ''] : []),
    ...(content.code ? [content.code.intro, '', `    ${content.code.value}`, ''] : []),
    ...(content.after ?? []).flatMap((line) => [line.url ? `${line.text}\n${line.url}` : line.text, '']),
    '—',
    ...footer,
    appName,
  ].join('\n')
  const html =
    '<!doctype html>' +
    (
      <html lang={t.lang}>
        <body style="margin:0;padding:24px;background:#f3f5f9;font-family:Arial,Helvetica,sans-serif;color:#1d2433">
          <div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:12px;padding:24px">
            <p style="font-size:20px;font-weight:bold;color:#1a6fe0;margin:0 0 16px">{appName}</p>
            <p>{content.greeting}</p>
            {content.paragraphs.map((p) => (
              <p>{p}</p>
            ))}
            {content.action && (
              <p style="margin:24px 0">
                <a
                  href={content.action.url}
                  style="display:inline-block;background:#1a6fe0;color:#ffffff;font-weight:bold;text-decoration:none;padding:12px 20px;border-radius:8px"
                >
                  {content.action.label}
                </a>
              </p>
            )}
            {content.action && (
              <p style="font-size:13px;color:#5b6475;word-break:break-all">{content.action.url}</p>
            )}
            {content.code && <p>{content.code.intro}</p>}
            {content.code && (
              <p style="font-family:Menlo,Consolas,monospace;font-size:32px;font-weight:bold;letter-spacing:8px;margin:8px 0 24px;user-select:all">
                {content.code.value}
              </p>
            )}
            {(content.after ?? []).map((line) => (
              <p>
                {line.text} {line.url && <a href={line.url}>{line.url}</a>}
              </p>
            ))}
            <hr style="border:0;border-top:1px solid #d5dae3;margin:24px 0" />
            {footer.map((line) => (
              <p style="font-size:13px;color:#5b6475">{line}</p>
            ))}
          </div>
        </body>
      </html>
    ).toString()
  return { subject: `${content.subject} · ${appName}`, text, html }
}
