import { env } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { MAILS_PER_ADDRESS, MAILS_PER_IP } from '../src/auth/limits'
import { openDatabase } from '../src/db/client'
import { outbox } from '../src/db/schema'
import { Browser, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

// Issue 19, point 3 (its answer-page and dev-mailbox parts): a mail a budget
// withheld is no longer silent. The answers say when to expect the mail and
// what to do if it does not come, for every address alike; in development
// /dev/mail lists the withheld mail with its reason; production writes
// nothing for it.

/** `npm run dev`: the dev mailbox on, APP_URL on this machine. */
const development = { ...env, APP_URL: 'http://localhost:8787', POSTMARK_SERVER_TOKEN: undefined, DEV_MAILBOX: 'true' }

afterEach(() => vi.restoreAllMocks())

function withheldRowsTo(email: string) {
  return openDatabase(env.DB)
    .select()
    .from(outbox)
    .where(and(eq(outbox.recipient, email), eq(outbox.status, 'withheld')))
}

/** One /dev/mail entry as the developer reads it: the article that names this address. */
function entryFor(html: string, email: string) {
  return visibleText(html.split('<article').find((article) => article.includes(email) && article.includes('RETENIDO')) ?? '')
}

describe('answer pages say when to expect the mail and what to do if it does not come', () => {
  it('forgot, access link and sign-up all say "¿No llegó en 2 minutos?", for an account and for no account alike', async () => {
    const { email } = await signedInUser()
    const nobody = uniqueEmail('nadie')
    for (const [path, form] of [
      ['/password/forgot', (e: string) => ({ email: e })],
      ['/login/email', (e: string) => ({ email: e })],
      ['/signup', (e: string) => ({ name: 'Rosa', email: e, password: PASSWORD, password_confirmation: PASSWORD })],
    ] as const) {
      const known = visibleText((await new Browser().post(path, form(email))).text)
      const unknown = visibleText((await new Browser().post(path, form(nobody))).text)
      expect(known).toContain('¿No llegó en 2 minutos? Revise la carpeta de correo no deseado o spam.')
      expect(known).toContain('desde otra red (por ejemplo, con datos móviles en lugar del wifi de la oficina)')
      expect(known.replaceAll(email, 'X')).toBe(unknown.replaceAll(nobody, 'X'))
    }
  })
})

describe('/dev/mail lists withheld mails as withheld, with the reason', () => {
  it("over the address's budget: the access link past it is listed as RETENIDO, naming the budget", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const { email } = await signedInUser()
    const developer = new Browser('http://localhost:8787', development)
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) expect((await developer.post('/login/email', { email })).status).toBe(200)
    expect(await withheldRowsTo(email)).toHaveLength(1)
    const entry = entryFor((await developer.get('/dev/mail')).text, email)
    expect(entry).toContain('RETENIDO: no se envió.')
    expect(entry).toContain(`La dirección ya recibió ${MAILS_PER_ADDRESS.limit} correos de este tipo en 15 minutos`)
    expect(entry).toContain('Su enlace de acceso')
  })

  it("over the IP's cap: a sign-up's confirmation past it is listed as RETENIDO, naming the IP's cap", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const developer = new Browser('http://localhost:8787', development)
    for (let i = 0; i < MAILS_PER_IP.limit; i++) await developer.post('/password/forgot', { email: uniqueEmail('inventada') })
    const email = uniqueEmail('oficina')
    await developer.post('/signup', { name: 'Rosa', email, password: PASSWORD, password_confirmation: PASSWORD })
    const entry = entryFor((await developer.get('/dev/mail')).text, email)
    expect(entry).toContain('RETENIDO: no se envió.')
    expect(entry).toContain(`La IP que lo pidió pasó su límite de ${MAILS_PER_IP.limit} correos por hora.`)
    expect(entry).toContain('Confirme su correo electrónico')
  })

  it('"Reenviar el correo" for a confirmed address: the confirmation is listed as not sent because the address is confirmed, not as a withheld "ya tiene una cuenta" note', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const { email } = await signedInUser()
    // The mailbox's note budget spent by sign-ups at the address (the note the resend used to be mislabelled as).
    for (let i = 0; i < MAILS_PER_ADDRESS.limit; i++) await new Browser('http://localhost:8787', development).post('/signup', { name: 'Otro', email, password: PASSWORD, password_confirmation: PASSWORD })
    const developer = new Browser('http://localhost:8787', development)
    expect((await developer.post('/signup/resend', { email })).status).toBe(200)
    const rows = await withheldRowsTo(email)
    expect(rows.map((row) => row.kind)).toEqual(['email-verification'])
    const entry = entryFor((await developer.get('/dev/mail')).text, email)
    expect(entry).toContain('RETENIDO: no se envió.')
    expect(entry).toContain('Confirme su correo electrónico')
    expect(entry).toContain('La dirección ya está confirmada: «Reenviar el correo» solo envía la confirmación a una cuenta sin confirmar.')
    expect(entry).not.toContain('Alguien intentó crear una cuenta')
    expect(entry).not.toContain('correos de este tipo en 15 minutos')
  })

  it('addresses without an account leave nothing withheld: no mail was due', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const developer = new Browser('http://localhost:8787', development)
    const nobody = uniqueEmail('nadie')
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) await developer.post('/login/email', { email: nobody })
    expect(await withheldRowsTo(nobody)).toHaveLength(0)
  })

  it('in production nothing is written for a withheld mail', async () => {
    const { email } = await signedInUser()
    const browser = new Browser()
    for (let i = 0; i <= MAILS_PER_ADDRESS.limit; i++) await browser.post('/login/email', { email })
    expect(await withheldRowsTo(email)).toHaveLength(0)
  })
})
