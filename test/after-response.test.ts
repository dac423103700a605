// Work after the response (mails, and the whole lookup of "Olvidé mi
// contraseña") starts only once the response's body has been read in full:
// a send running beside the body's write made the body of a known address
// end later (src/http/after-response.ts).
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createApp } from '../src/index'
import { ORIGIN, signedInUser } from './helpers'

/** A Postmark that answers only when told to: every call is counted as it arrives. */
function hangingPostmark() {
  const calls: string[] = []
  let answer!: () => void
  const answered = new Promise<void>((resolve) => (answer = resolve))
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(JSON.parse(String(init?.body)).To)
    await answered
    return Response.json({ SubmittedAt: new Date().toISOString(), MessageID: crypto.randomUUID(), ErrorCode: 0, Message: 'OK' })
  }
  return { calls, answer, fetch: fetch as typeof globalThis.fetch }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the end of the response never waits for a mail', () => {
  it.each([
    ['Olvidé mi contraseña', '/password/forgot'],
    ['the access link', '/login/email'],
  ])('%s for an address with an account: no mail is sent before the page has been read, and the page is whole while Postmark hangs', async (_, path) => {
    const { email } = await signedInUser()
    const postmark = hangingPostmark()
    const app = createApp({ fetch: postmark.fetch })
    const ctx = createExecutionContext()
    const response = await app.fetch(
      new Request(new URL(path, ORIGIN), {
        method: 'POST',
        body: new URLSearchParams({ email }),
        headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': `2001:db8:${crypto.randomUUID().slice(0, 4)}::1` },
        redirect: 'manual',
      }),
      env,
      ctx,
    )
    // Time enough for the lookup, the batch and the send to have begun, had they not waited for the body.
    await pause(1000)
    expect(postmark.calls, 'mails sent while the page was still being written').toHaveLength(0)
    const page = await response.text()
    expect(page).toContain('</html>')
    // Now the mail goes; Postmark hangs, and the page was already whole.
    for (let i = 0; i < 100 && postmark.calls.length === 0; i++) await pause(50)
    expect(postmark.calls).toEqual([email])
    postmark.answer()
    await waitOnExecutionContext(ctx)
  }, 60_000)
})
