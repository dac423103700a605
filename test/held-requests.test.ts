// A request whose body arrives late (held open by its sender) is judged by
// the session as it is once the request has fully arrived: what a reset
// closed in the meantime stays closed (docs/security.md, "Recovery evicts").
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app, Browser, linkIn, lastMailTo, ORIGIN, signedInUser } from './helpers'

/** A POST whose headers (with this browser's cookies) go now and whose body goes when `release` is called. */
function heldPost(browser: Browser, path: string, body: string, contentType = 'application/x-www-form-urlencoded') {
  let send!: () => void
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      send = () => {
        controller.enqueue(new TextEncoder().encode(body))
        controller.close()
      }
    },
  })
  const cookie = ['session', 'device'].flatMap((name) => (browser.cookie(`__Host-${name}`) ? [`__Host-${name}=${browser.cookie(`__Host-${name}`)}`] : [])).join('; ')
  const ctx = createExecutionContext()
  const answer = Promise.resolve(
    app.fetch(
      new Request(new URL(path, ORIGIN), {
        method: 'POST',
        body: stream,
        // @ts-expect-error: a streamed request body (workerd needs no duplex, the DOM types do)
        duplex: 'half',
        headers: { Origin: ORIGIN, 'Content-Type': contentType, 'Content-Length': String(new TextEncoder().encode(body).length), 'CF-Connecting-IP': browser.ip, Cookie: cookie },
        redirect: 'manual',
      }),
      env,
      ctx,
    ),
  ).then(async (response) => {
      const text = await response.text() // as a client reads it: work after the response waits for the body
      await waitOnExecutionContext(ctx)
      return { status: response.status, location: response.headers.get('Location'), text }
    })
  return { release: () => (send(), answer) }
}

/** She resets from `browser` with the defaults; returns when her review is on screen. */
async function resetFrom(browser: Browser, email: string, password: string) {
  await new Browser().post('/password/forgot', { email })
  await browser.get(linkIn(lastMailTo(email, 'password-reset'), '/password/reset/'))
  const done = await browser.post('/password/reset', { password, password_confirmation: password })
  expect(done.status).toBe(303)
}

describe('recovery evicts: a request the intruder began before her reset changes nothing after it', () => {
  it('"Cerrar todas las demás sesiones" sent before her reset and finished after it leaves her new session open and her browser known', async () => {
    const { email, password, browser: laptop } = await signedInUser()
    const thief = new Browser()
    expect((await thief.post('/login', { email, password })).status).toBe(303)
    const held = heldPost(thief, '/profile/sessions/revoke-others', '')
    await resetFrom(laptop, email, 'nueva-clave-de-ana-1')
    const late = await held.release()
    expect(late.status, 'the thief is sent to sign in').toBe(303)
    expect(late.location).toMatch(/^\/login/)
    expect((await laptop.get('/profile')).status, 'her reset session').toBe(200)
    // Her laptop is still one of her browsers: strangers' wrong passwords do not lock it.
    for (let i = 0; i < 11; i++) await new Browser().post('/login', { email, password: `otra-clave-${i}-x` })
    expect((await laptop.post('/login', { email, password: 'nueva-clave-de-ana-1' })).status, 'her laptop signs in').toBe(303)
  }, 60_000)

  it('a name change sent before her reset and finished after it is not saved', async () => {
    const { email, password, browser: laptop } = await signedInUser({ name: 'Ana Pérez' })
    const thief = new Browser()
    await thief.post('/login', { email, password })
    const held = heldPost(thief, '/profile', new URLSearchParams({ name: 'Cuenta robada' }).toString())
    await resetFrom(laptop, email, 'nueva-clave-de-ana-3')
    const late = await held.release()
    expect(late.location).toMatch(/^\/login/)
    const profile = await laptop.get('/profile')
    expect(profile.text).toContain('Ana Pérez')
    expect(profile.text).not.toContain('Cuenta robada')
  }, 60_000)

  it('a token request sent before her reset and finished after it gets no token', async () => {
    const { email, password, browser: laptop } = await signedInUser()
    const thief = new Browser()
    await thief.post('/login', { email, password })
    const held = heldPost(thief, '/api/token', JSON.stringify({ aud: 'crm' }), 'application/json')
    await resetFrom(laptop, email, 'nueva-clave-de-ana-2')
    const late = await held.release()
    expect(late.status).toBe(401)
    expect(late.text).not.toContain('"token"')
  }, 60_000)
})
