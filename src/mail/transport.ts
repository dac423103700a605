import { ServerClient } from 'postmark'
import type { Config } from '../config'

export type OutgoingMail = { to: string; subject: string; text: string; html: string; tag: string }

/** What one attempt to hand a mail over came to. */
export type Delivery =
  | { outcome: 'sent'; messageId: string | null }
  | { outcome: 'transient'; error: string; status: number | null } // try again later: network, timeout, 5xx, 429, not configured
  | { outcome: 'permanent'; error: string; errorCode: number | null; status: number | null } // never retried: Postmark refused this mail

export type Transport = (mail: OutgoingMail, stream: string) => Promise<Delivery>

/**
 * The one transport for this configuration: Postmark when a server token is
 * set; on a developer's machine the dev mailbox, where the outbox row itself
 * is the mail (/dev/mail shows it); otherwise every attempt fails loudly and
 * stays pending, so nothing is dropped if the token is set later.
 * `fetchImpl` is injectable so tests read exactly what Postmark would get.
 */
export function createTransport(config: Config, fetchImpl: typeof fetch = fetch): Transport {
  if (config.postmark) {
    const { serverToken, apiUrl } = config.postmark
    const client = new ServerClient(serverToken, {
      ...(apiUrl && { useHttps: apiUrl.protocol === 'https:', requestHost: apiUrl.host }),
      timeout: 10,
      fetch: (input, init) => fetchImpl(input, init),
    })
    return async (mail, stream) => {
      try {
        const answer = await client.sendEmail({
          From: config.emailFrom,
          To: mail.to,
          Subject: mail.subject,
          TextBody: mail.text,
          HtmlBody: mail.html,
          Tag: mail.tag,
          MessageStream: stream,
        })
        return { outcome: 'sent', messageId: answer.MessageID ?? null }
      } catch (error) {
        return classify(error as { code?: number; statusCode?: number; message?: string })
      }
    }
  }
  if (config.devMailbox) {
    return async (mail) => {
      console.log(`[dev mailbox] ${mail.tag} → ${mail.to}: ${mail.subject}\n${mail.text}\n(see /dev/mail)`)
      return { outcome: 'sent', messageId: null }
    }
  }
  return async (mail) => {
    const error = 'POSTMARK_SERVER_TOKEN is not set: mail NOT sent'
    console.error(JSON.stringify({ event: 'mail.not_configured', tag: mail.tag, message: error }))
    return { outcome: 'transient', error, status: null }
  }
}

/**
 * Postmark's answers (https://postmarkapp.com/developer/api/overview): 422
 * carries an ErrorCode (300 invalid request, 406 inactive recipient, …) and
 * will fail the same way again; 429 and 5xx are load or outages; a network
 * error or timeout never reached a verdict.
 */
function classify(error: { code?: number; statusCode?: number; message?: string }): Delivery {
  const status = error.statusCode ?? 0
  const message = String(error.message ?? 'unknown error').slice(0, 500)
  if (status === 0 || status === 429 || status >= 500) return { outcome: 'transient', error: `${status || 'network'}: ${message}`, status: status || null }
  return { outcome: 'permanent', error: message, errorCode: error.code ?? null, status }
}
