import { env } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { clock, DAY, HOUR, MINUTE } from '../src/clock'
import { outbox } from '../src/db/schema'
import { enqueueMail } from '../src/mail/outbox'
import { Browser, mailsTo, PASSWORD, postmark, signedInUser, uniqueEmail, visibleText } from './helpers'
import { advance, captureMailLog, db, everyMinute, hourly, REDACTED, restoreAfterEach, rowOf, rowsTo, setClock, UNAVAILABLE } from './helpers/outbox'

restoreAfterEach()

describe('a mail whose link dies while Postmark is down', () => {
  const flows = [
    ['a confirmation mail (24 h)', 'email-verification', DAY, false, (email: string) =>
      new Browser().post('/signup', { name: 'Nueva', email, password: PASSWORD, password_confirmation: PASSWORD })],
    ['a sign-in link and code (15 min)', 'login-link', 15 * MINUTE, true, (email: string) => new Browser().post('/login/email', { email })],
    ['a reset mail (1 h)', 'password-reset', HOUR, true, (email: string) => new Browser().post('/password/forgot', { email })],
  ] as const

  it.each(flows)('%s is never sent late: it is marked expired, its body redacted, and it never arrives', async (_, kind, lifetime, hasAccount, ask) => {
    const log = captureMailLog()
    const email = hasAccount ? (await signedInUser()).email : uniqueEmail('nueva')
    setClock(Date.now())
    postmark.failWhen = () => UNAVAILABLE
    expect((await ask(email)).status).toBe(200)
    const [queued] = (await rowsTo(email)).filter((row) => row.kind === kind)
    expect(queued!.expiresAt).toBe(queued!.createdAt + lifetime)
    // Retried all along (the last try falls within the link's last two minutes), never delivered.
    while (clock.now() < queued!.expiresAt! - MINUTE) {
      advance(Math.min(HOUR, queued!.expiresAt! - MINUTE - clock.now()))
      await everyMinute()
    }
    expect(await rowOf(queued!.id)).toMatchObject({ status: 'pending' })

    postmark.failWhen = null
    advance(2 * MINUTE)
    await everyMinute()
    expect(await rowOf(queued!.id)).toMatchObject({ status: 'expired', textBody: REDACTED, htmlBody: '' })
    expect(mailsTo(email, kind)).toHaveLength(0)
    // Other files' mails may expire in the same runs (storage is shared): this mail's lines are its own.
    expect(log('mail.expired').filter((line) => line.outbox === queued!.id)).toMatchObject([{ outbox: queued!.id, tag: kind }])
  })
})

describe('the hourly sweep', () => {
  it('deletes sent, failed and expired mails after 30 days, and keeps younger ones and those still waiting', async () => {
    const now = Date.now()
    const at = async (createdAt: number, status: 'sent' | 'failed' | 'expired' | 'pending') => {
      setClock(createdAt)
      const queued = enqueueMail(db, { to: uniqueEmail('viejo'), subject: 'Aviso', text: 'hola', html: '<p>hola</p>', tag: 'password-changed' }, { stream: 'outbound' })
      await queued.insert
      await db.update(outbox).set({ status }).where(eq(outbox.id, queued.id))
      return queued.id
    }
    const old = [await at(now - 31 * DAY, 'sent'), await at(now - 31 * DAY, 'failed'), await at(now - 31 * DAY, 'expired')]
    const kept = [await at(now - 29 * DAY, 'sent'), await at(now - 31 * DAY, 'pending')]
    setClock(now)
    await hourly()
    const left = (await db.select({ id: outbox.id }).from(outbox)).map((row) => row.id)
    for (const id of old) expect(left).not.toContain(id)
    for (const id of kept) expect(left).toContain(id)
  })

  it('locally, the dev mailbox shows a sign-in code until it expires; then the sweep redacts it', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const local = { ...env, APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true' }
    const developer = new Browser('http://localhost:8787', local)
    const { email } = await signedInUser()
    setClock(Date.now())
    await developer.post('/login/email', { email })
    const [row] = (await rowsTo(email)).filter((r) => r.kind === 'login-link')
    expect(row).toMatchObject({ status: 'sent' })
    expect(row!.textBody).toMatch(/^sealed:v1:/) // readable on the page, sealed in D1
    // The mailbox lists every file's mails (storage is shared): read this one's entry.
    const entry = async () => {
      const page = (await developer.get('/dev/mail')).text
      const article = page.match(new RegExp(`<article id="mail-${row!.id}">[\\s\\S]*?</article>`))?.[0]
      if (!article) throw new Error(`mail ${row!.id} is not listed at /dev/mail`)
      return article
    }
    const code = (article: string) => visibleText(article).match(/\b\d{6}\b/)?.[0]
    expect(code(await entry())).toBeDefined()

    advance(15 * MINUTE)
    await hourly()
    expect(await rowOf(row!.id)).toMatchObject({ textBody: REDACTED, htmlBody: '' })
    const redacted = await entry()
    expect(redacted).toContain(REDACTED)
    expect(redacted).not.toContain('/login/email/')
    expect(code(redacted)).toBeUndefined()
  })
})
