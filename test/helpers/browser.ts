import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { createApp } from '../../src/index'
import { lastMailTo, linkIn, postmark } from './mail'
import { ORIGIN } from './origin'

export const app = createApp({ fetch: postmark.fetch })

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

/**
 * An IPv4 address of its own for one test, from the carrier-grade NAT range
 * (100.64.0.0/10, what many people share behind one address): the files
 * share one D1 and one rate limiter, so a fixed or narrowly drawn address
 * could meet another file's counters.
 */
export function uniqueIPv4() {
  const octet = () => Math.floor(Math.random() * 256)
  return `100.${64 + Math.floor(Math.random() * 64)}.${octet()}.${octet()}`
}
