import { ORIGIN } from './origin'

/** What the fake Postmark server received: the request as the `postmark` client built it. */
export type SentMail = {
  url: string
  serverToken: string | null
  from: string
  to: string
  subject: string
  text: string
  html: string
  tag: string
  stream: string
  replyTo?: string
}

/**
 * A stand-in for Postmark's HTTP API, injected as the client's fetch. It
 * answers like Postmark; `failNext` makes the next send fail the way
 * Postmark does (e.g. 422 with an ErrorCode, or a network error).
 */
export const postmark = {
  sent: [] as SentMail[],
  failNext: null as null | { status: number; body: unknown } | 'network',
  /** Decides each call's fate (by call number) while set: a failure, or null to accept. */
  failWhen: null as null | ((call: number) => { status: number; body: unknown } | 'network' | null),
  calls: 0,
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const failure = postmark.failNext ?? postmark.failWhen?.(postmark.calls) ?? null
    postmark.calls++
    postmark.failNext = null
    if (failure === 'network') throw new TypeError('Network connection lost.')
    if (failure) return Response.json(failure.body, { status: failure.status })
    const body = JSON.parse(String(init?.body))
    const headers = new Headers(init?.headers)
    postmark.sent.push({
      url: String(input),
      serverToken: headers.get('X-Postmark-Server-Token'),
      from: body.From,
      to: body.To,
      subject: body.Subject,
      text: body.TextBody,
      html: body.HtmlBody,
      tag: body.Tag,
      stream: body.MessageStream,
      replyTo: body.ReplyTo,
    })
    return Response.json({ To: body.To, SubmittedAt: new Date().toISOString(), MessageID: crypto.randomUUID(), ErrorCode: 0, Message: 'OK' })
  },
}

export function mailsTo(email: string, tag?: string): SentMail[] {
  return postmark.sent.filter((mail) => mail.to === email && (!tag || mail.tag === tag))
}

export function lastMailTo(email: string, tag?: string): SentMail {
  const mail = mailsTo(email, tag).at(-1)
  if (!mail) throw new Error(`no ${tag ?? ''} mail to ${email}`)
  return mail
}

/** The path of the first link in a mail's text body that starts with APP_URL + prefix. */
export function linkIn(mail: SentMail, prefix: string): string {
  const match = mail.text.match(new RegExp(`${ORIGIN}${prefix}\\S*`))
  if (!match) throw new Error(`no ${prefix} link in mail "${mail.subject}"`)
  return match[0].slice(ORIGIN.length)
}

/** The six-digit code of an access-link mail (the line that holds only it). */
export function codeIn(mail: { text: string }): string {
  const match = mail.text.match(/^\s+(\d{6})$/m)
  if (!match) throw new Error('no code in the mail')
  return match[1]!
}
