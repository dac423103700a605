import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { toBase64Url } from '../src/crypto/encoding'
import { createApp } from '../src/index'

export const ORIGIN = 'https://cuentas.ecuabots.test' // = APP_URL in test/vitest.config.ts

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

export const app = createApp({ fetch: postmark.fetch })

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

let counter = 0
/** A fresh address per test: D1 storage is shared by the tests of one file. */
export function uniqueEmail(label = 'persona'): string {
  return `${label}-${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`
}

export type Page = { status: number; headers: Headers; text: string; location: string | null }

/**
 * A minimal browser: keeps cookies (respecting Path), sends Origin on
 * POSTs like a real same-origin form, and waits for waitUntil work (mails)
 * before returning, so tests can read the outbox right away.
 */
export class Browser {
  private cookies = new Map<string, { value: string; path: string }>()

  /**
   * Each browser comes from its own address (as Cloudflare reports it), in
   * its own IPv6 /64 — per-IP limits key on the /64, as one host owns it.
   */
  readonly ip = `2001:db8:${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}::1`

  /** `bindings`: the Worker's env for this browser's requests, e.g. production settings with a secret missing. */
  constructor(
    private origin = ORIGIN,
    private bindings: typeof env = env,
  ) {}

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { method: 'GET', headers })
  }

  post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { Origin: this.origin, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    })
  }

  async request(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Page> {
    const url = new URL(path, this.origin)
    const cookie = [...this.cookies].filter(([, c]) => url.pathname.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`)
    const headers = { 'CF-Connecting-IP': this.ip, ...(cookie.length && { Cookie: cookie.join('; ') }), ...init.headers }
    const ctx = createExecutionContext()
    const response = await app.fetch(new Request(url, { ...init, headers, redirect: 'manual' }), this.bindings, ctx)
    // The body first, as a browser reads it: work after the response (mails) starts once it has been read.
    const text = await response.text()
    await waitOnExecutionContext(ctx)
    for (const line of response.headers.getSetCookie()) this.store(line)
    return { status: response.status, headers: response.headers, text, location: response.headers.get('Location') }
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value
  }

  private store(line: string) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim())
    const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)]
    const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
    const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()))
    if (expired || !value) this.cookies.delete(name)
    else this.cookies.set(name, { value, path })
  }
}

export const PASSWORD = 'clave-segura-1'

/** Signs up and verifies through the mailed link, as a person would; returns the signed-in browser. */
export async function signedInUser(options: { name?: string; email?: string; password?: string } = {}) {
  const person = { name: options.name ?? 'Ana Pérez', email: options.email ?? uniqueEmail(), password: options.password ?? PASSWORD }
  const browser = new Browser()
  await browser.post('/signup', { name: person.name, email: person.email, password: person.password, password_confirmation: person.password })
  const link = linkIn(lastMailTo(person.email, 'email-verification'), '/email/verify/')
  const verified = await browser.post(link)
  if (verified.status !== 303) throw new Error(`verification failed: ${verified.status}`)
  return { browser, ...person }
}

/** The visible text of a page, tags stripped, whitespace folded: what a person reads. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
}

/** A stored hash as an older release would have made it: fewer iterations, no pepper. */
export async function legacyHash(password: string, iterations: number) {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return `pbkdf2-sha256$${iterations}$0$${toBase64Url(salt)}$${toBase64Url(new Uint8Array(bits))}`
}
