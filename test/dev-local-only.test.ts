import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Browser, signedInUser } from './helpers'
import { rowsTo } from './helpers/outbox'

/** `npm run dev`: the dev mailbox on, APP_URL on this machine (wrangler.toml's default). */
const development = { ...env, APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true' }

afterEach(() => vi.restoreAllMocks())

function expectNothingButMisdirected(page: { status: number; headers: Headers; text: string }) {
  expect(page.status).toBe(421)
  expect(page.text).toBe('')
  expect(page.headers.getSetCookie()).toEqual([])
}

describe('development is local only', () => {
  it("with the dev mailbox on, a page that rebinds its own hostname to this machine gets 421 and nothing else: no mailbox, no page, no cookie, no mail", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const { email } = await signedInUser()
    const developer = new Browser('http://localhost:8787', development)
    expect((await developer.post('/login/email', { email })).status).toBe(200)
    const mailbox = await developer.get('/dev/mail')
    expect(mailbox.status).toBe(200)
    const mailsListed = mailbox.text.split('/login/email/').length

    // A page at attacker.example whose DNS now answers 127.0.0.1: Host and Origin agree, as for any same-origin page.
    const rebound = new Browser('http://attacker.example:8787', development)
    for (const path of ['/dev/mail', '/login', '/', '/.well-known/jwks.json']) expectNothingButMisdirected(await rebound.get(path))
    expectNothingButMisdirected(await rebound.post('/login/email', { email }))
    expectNothingButMisdirected(await rebound.post('/login', { email, password: 'no-es-la-clave-9' }))
    // The same with the right URL but another Host header (what a proxy in front may pass on).
    expectNothingButMisdirected(await developer.get('/dev/mail', { Host: 'attacker.example:8787' }))

    expect((await developer.get('/dev/mail')).text.split('/login/email/').length).toBe(mailsListed) // the rebound POST mailed nothing
    // The mailbox lists the 50 newest mails of every file (storage is shared): her own rows say it too.
    expect((await rowsTo(email)).filter((row) => row.kind === 'login-link')).toHaveLength(1)
  })

  it('outside development (no dev mailbox) every host is answered as before: routing is the platform’s job there', async () => {
    const elsewhere = new Browser('https://otro-nombre.ecuabots.test', env)
    expect((await elsewhere.get('/login')).status).toBe(200)
  })
})
