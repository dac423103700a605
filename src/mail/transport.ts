import { createId } from '@paralleldrive/cuid2'
import { ServerClient } from 'postmark'
import { clock } from '../clock'
import type { Config } from '../config'
import type { Database } from '../db/client'
import { devMail } from '../db/schema'

export type OutgoingMail = { to: string; subject: string; text: string; html: string; tag: string }

/** Sends one mail. Never throws: a failed mail is logged and must not change what the person sees. */
export type Mailer = (mail: OutgoingMail) => Promise<void>

/**
 * Picks the one transport for this configuration: Postmark when a server
 * token is set; the dev mailbox (D1 table + console) on a developer's
 * machine; otherwise a loud error per mail, never a silent drop.
 * `fetchImpl` is injectable so tests read exactly what Postmark would get.
 */
export function createMailer(config: Config, db: Database, fetchImpl: typeof fetch = fetch): Mailer {
  if (config.postmark) {
    const { serverToken, messageStream, apiUrl } = config.postmark
    const client = new ServerClient(serverToken, {
      ...(apiUrl && { useHttps: apiUrl.protocol === 'https:', requestHost: apiUrl.host }),
      timeout: 10,
      fetch: (input, init) => fetchImpl(input, init),
    })
    return async (mail) => {
      try {
        await client.sendEmail({
          From: config.emailFrom,
          To: mail.to,
          Subject: mail.subject,
          TextBody: mail.text,
          HtmlBody: mail.html,
          Tag: mail.tag,
          MessageStream: messageStream,
        })
      } catch (error) {
        const { code, statusCode, message } = error as { code?: number; statusCode?: number; message?: string }
        // No recipient, link or body in logs: they hold personal data and live secrets.
        console.error(JSON.stringify({ event: 'mail.failed', tag: mail.tag, errorCode: code, status: statusCode, message }))
      }
    }
  }
  if (config.devMailbox) {
    return async (mail) => {
      await db.insert(devMail).values({
        id: createId(),
        createdAt: clock.now(),
        recipient: mail.to,
        subject: mail.subject,
        textBody: mail.text,
        htmlBody: mail.html,
        tag: mail.tag,
      })
      console.log(`[dev mailbox] ${mail.tag} → ${mail.to}: ${mail.subject}\n${mail.text}\n(see /dev/mail)`)
    }
  }
  return async (mail) => {
    console.error(
      JSON.stringify({ event: 'mail.not_configured', tag: mail.tag, message: 'POSTMARK_SERVER_TOKEN is not set: mail NOT sent' }),
    )
  }
}
