import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ERASED_TABLES, KEPT_AFTER_DELETION } from '../src/auth/account-deletion'
import { MINUTE } from '../src/clock'
import {
  accountOf,
  advance,
  Browser,
  fullAccount,
  lastMailTo,
  linkIn,
  mailsTo,
  needlesFor,
  PASSWORD,
  rowsHolding,
  signedInUser,
  tableNames,
  userRow,
  visibleText,
} from './helpers'

// "Eliminar la cuenta" on Seguridad (issue 22): the address typed to
// confirm, a recent sign-in or the current password, then everything that
// names the person erased in one batch, a farewell mail, and the apps told.

const deleteFrom = (browser: Browser, email: string, fields: Record<string, string> = {}) => browser.post('/security/delete', { email, ...fields })

/** The rows that may name a deleted account: the farewell mail's, and the apps' account.deleted event (docs/account-data.md). */
function keptAfterDeletion(row: { table: string; row: Record<string, unknown> }) {
  return (row.table === 'outbox' && row.row.kind === 'account-deleted') || (row.table === 'account_events' && row.row.type === 'account.deleted')
}

describe('deleting the account', () => {
  it('signs the browser out, says the account is gone, and mails a farewell to the address', async () => {
    const { browser, email } = await signedInUser()
    const deleted = await deleteFrom(browser, email)
    expect(deleted.status).toBe(303)
    expect(deleted.location).toBe('/cuenta-eliminada')
    const page = await browser.get('/cuenta-eliminada')
    expect(visibleText(page.text)).toContain('Su cuenta fue eliminada')
    expect((await browser.get('/profile')).location).toMatch(/^\/login/)
    const farewell = lastMailTo(email, 'account-deleted')
    expect(farewell.subject).toContain('Su cuenta fue eliminada')
    expect(farewell.text).not.toContain('Ana') // greets without the name: its row is what is kept
    expect(await accountOf(email)).toBeUndefined()
  })

  it('leaves no row in any table naming the account — its id, address, name or hashed address — but the farewell mail and the apps\' event', async () => {
    const account = await fullAccount()
    // The address it only asked to move to is searched for as text; its counters (keyed on its hash) are that
    // mailbox's, whoever owns it, and stay with it.
    const needles = [...(await needlesFor(account.user, [account.formerEmail])), account.pendingEmail]
    // The account really is spread over the tables this test is about.
    const before = new Set((await rowsHolding(needles)).map((row) => row.table))
    expect([...before].sort()).toEqual(
      expect.arrayContaining(['email_changes', 'known_devices', 'one_time_tokens', 'outbox', 'passkeys', 'recovery_codes', 'second_steps', 'security_events', 'sessions', 'throttles', 'users', 'webauthn_challenges']),
    )
    expect((await deleteFrom(account.browser, account.email)).status).toBe(303)
    const left = (await rowsHolding(needles)).filter((row) => !keptAfterDeletion(row))
    expect(left).toEqual([])
  })

  it('every table that can name a person (a user_id, account_id, email or recipient column) is erased or listed as kept', async () => {
    const naming = []
    for (const table of await tableNames()) {
      const { results } = await env.DB.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()
      if (results.some((column) => ['user_id', 'account_id', 'email', 'recipient'].includes(column.name))) naming.push(table)
    }
    expect(naming.length).toBeGreaterThan(5)
    const covered = [...ERASED_TABLES, ...Object.keys(KEPT_AFTER_DELETION)]
    expect(naming.filter((table) => !covered.includes(table))).toEqual([])
  })

  it('the sign-up form then works for that address as for a new person', async () => {
    const { browser, email } = await signedInUser()
    expect((await deleteFrom(browser, email)).status).toBe(303)
    const again = new Browser()
    const signup = await again.post('/signup', { name: 'Ana Nueva', email, password: 'otra-clave-segura-9', password_confirmation: 'otra-clave-segura-9' })
    expect(signup.status).toBe(200)
    expect(mailsTo(email, 'account-exists')).toHaveLength(0)
    const verified = await again.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(verified.status).toBe(303)
    expect((await again.get('/profile')).status).toBe(200)
    // A new account: nothing of the old one's activity.
    const security = visibleText((await again.get('/security')).text)
    expect(security).not.toContain('Llave de acceso agregada')
    expect((await accountOf(email))?.name).toBe('Ana Nueva')
  })

  it('a typed address that is not the account\'s says so under the field and deletes nothing', async () => {
    const { browser, email } = await signedInUser()
    const wrong = await deleteFrom(browser, `otra-${email}`)
    expect(wrong.status).toBe(422)
    expect(visibleText(wrong.text)).toContain(`El correo no coincide con el de su cuenta. Escriba exactamente ${email}.`)
    expect(wrong.text).toMatch(/id="eliminar-correo"[^>]*aria-invalid="true"/)
    const empty = await deleteFrom(browser, '')
    expect(empty.status).toBe(422)
    expect(visibleText(empty.text)).toContain('Escriba su correo electrónico para confirmar que quiere eliminar la cuenta.')
    expect(await accountOf(email)).toBeDefined()
    expect(mailsTo(email, 'account-deleted')).toHaveLength(0)
  })

  it('the address is compared as sign-up stores it: capitals and spaces around it still confirm', async () => {
    const { browser, email } = await signedInUser()
    expect((await deleteFrom(browser, `  ${email.toUpperCase()} `)).status).toBe(303)
    expect(await accountOf(email)).toBeUndefined()
  })

  it('a session older than 10 minutes must give the current password: without it or with a wrong one nothing is deleted', async () => {
    const { browser, email } = await signedInUser()
    advance(11 * MINUTE)
    const none = await deleteFrom(browser, email)
    expect(none.status).toBe(422)
    expect(visibleText(none.text)).toContain('Ingrese su contraseña actual')
    const wrong = await deleteFrom(browser, email, { current_password: 'no-es-la-clave' })
    expect(wrong.status).toBe(422)
    expect(await accountOf(email)).toBeDefined()
    expect((await deleteFrom(browser, email, { current_password: PASSWORD })).status).toBe(303)
    expect(await accountOf(email)).toBeUndefined()
  })

  it('every other session of the account is closed with it: the phone is signed out too', async () => {
    const { browser, email } = await signedInUser()
    const phone = new Browser()
    expect((await phone.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect((await deleteFrom(browser, email)).status).toBe(303)
    expect((await phone.get('/profile')).location).toMatch(/^\/login/)
  })

  it('two deletions at once erase once and mail one farewell', async () => {
    const { browser, email } = await signedInUser()
    const answers = await Promise.all([deleteFrom(browser, email), deleteFrom(browser, email)])
    expect(answers.map((a) => a.status)).toEqual([303, 303])
    expect(mailsTo(email, 'account-deleted')).toHaveLength(1)
  })

  it('a deletion racing a sign-in leaves no session or row naming the account behind, whichever commits first', async () => {
    for (let round = 0; round < 3; round++) {
      const name = `Ana Carrera ${crypto.randomUUID().slice(0, 8)}`
      const { browser, email } = await signedInUser({ name })
      const user = await userRow(email)
      const phone = new Browser()
      const [deleted, signIn] = await Promise.all([deleteFrom(browser, email), phone.post('/login', { email, password: PASSWORD })])
      expect(deleted.status).toBe(303)
      expect([303, 422]).toContain(signIn.status)
      expect((await phone.get('/profile')).location).toMatch(/^\/login/)
      const left = (await rowsHolding(await needlesFor(user))).filter((row) => !keptAfterDeletion(row))
      expect(left).toEqual([])
    }
  })

  it('the farewell mail names no one and carries no link: nothing in it opens anything', async () => {
    const { browser, email, name } = await signedInUser()
    expect((await deleteFrom(browser, email)).status).toBe(303)
    const farewell = lastMailTo(email, 'account-deleted')
    expect(farewell.text).not.toContain(name)
    expect(farewell.text).not.toMatch(/https?:\/\//)
  })
})
