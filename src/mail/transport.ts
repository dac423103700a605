import { ServerClient } from 'postmark'
import type { Config } from '../config'
import { withoutAddresses } from '../log'

export type OutgoingMail = { to: string; subject: string; text: string; html: string; tag: string }

/** Why an attempt failed: Postmark's HTTP status and ErrorCode, and its message with addresses blanked (it may quote the recipient). */
export type Failure = { error: string; errorCode: number | null; status: number | null }

/** What one attempt to hand a mail over came to. */
export type Delivery =
  | { outcome: 'sent'; messageId: string | null }
  | ({ outcome: 'transient' } & Failure) // a bad moment (network, timeout, 5xx, 429): try again later
  | ({ outcome: 'config' } & Failure) // our setup (token, sender, account) or a code we do not know: try again later, loudly
  | ({ outcome: 'refused' } & Failure) // a verdict about this message or its recipient: never retried

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
          // Mails come from a no-reply sender; an answer (a person whose account was taken) reaches support.
          ReplyTo: config.supportEmail,
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
  return async () => ({ outcome: 'config', error: 'POSTMARK_SERVER_TOKEN is not set: mail NOT sent', errorCode: null, status: null })
}

/**
 * Postmark's ErrorCodes (https://postmarkapp.com/developer/api/overview#error-codes)
 * that are a verdict about this message or its recipient: sending it again
 * fails the same way, so the row is marked failed at once.
 */
const REFUSALS = new Set([
  300, // invalid email request: this message (e.g. its To address) is malformed
  406, // inactive recipient: the address bounced hard or complained
])

/**
 * Postmark's answers, sorted by who can fix them. 429, 5xx and answers that
 * never came (network error, timeout) are a bad moment. A refusal (above)
 * is about this mail. Everything else is about us, and is fixed by an
 * operator, after which every waiting mail must still go out: 401 / 10 a
 * bad or missing server token, 400 and 401 sender signature not found or
 * not confirmed, 405 not allowed to send (credits), 412 account pending
 * approval — and any code we do not know, which we would rather retry
 * loudly than drop silently.
 */
function classify(error: { code?: number; statusCode?: number; message?: string }): Delivery {
  const status = error.statusCode || null
  const errorCode = error.code || null
  const failure = { error: withoutAddresses(String(error.message ?? 'unknown error')).slice(0, 300), errorCode, status }
  if (status === null || status === 429 || status >= 500) return { outcome: 'transient', ...failure }
  if (status === 422 && errorCode !== null && REFUSALS.has(errorCode)) return { outcome: 'refused', ...failure }
  return { outcome: 'config', ...failure }
}
