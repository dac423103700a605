import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { MINUTE } from '../src/clock'
import { advance, Browser, fullAccount, PASSWORD, signedInUser, tableNames, visibleText } from './helpers'

// "Descargar mis datos" on Seguridad (issue 22): one JSON file, made on
// request, with everything held about the person and nothing that could
// open the account. docs/account-data.md describes every field.

/** Columns that hold a secret, a hash of one, a key or a sealed body: none of their values may be in the file. */
const SECRET_COLUMN = /hash|secret|key|token|credential|body|message_id|challenge|webauthn_user_id/

/**
 * Every secret-ish value the database holds for the account: the columns
 * above of every row that names it (by user_id, account_id, recipient,
 * id, or a counter key holding its hashed address), and the session ids
 * (they appear in the URLs that close a session).
 */
async function secretsHeldFor(user: { id: string; email: string }, formerEmails: string[]) {
  const values = new Set<string>()
  for (const table of await tableNames()) {
    const { results: columns } = await env.DB.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()
    const names = columns.map((c) => c.name)
    const addresses = [user.email, ...formerEmails]
    const owner = names.includes('user_id')
      ? ['user_id = ?', user.id]
      : names.includes('account_id')
        ? ['account_id = ?', user.id]
        : names.includes('change_id') // an address change's links
          ? ['change_id IN (SELECT id FROM email_changes WHERE user_id = ?)', user.id]
          : names.includes('recipient')
            ? [`recipient IN (${addresses.map(() => '?').join(', ')})`, ...addresses]
            : table === 'users'
              ? ['id = ?', user.id]
              : null
    if (!owner) continue
    const [where, ...bound] = owner
    const { results } = await env.DB.prepare(`SELECT * FROM "${table}" WHERE ${where}`).bind(...bound).all<Record<string, unknown>>()
    for (const row of results) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === 'string' && value.length >= 8 && (SECRET_COLUMN.test(column) || (table === 'sessions' && column === 'id'))) values.add(value)
      }
    }
  }
  return values
}

async function download(browser: Browser, fields: Record<string, string> = {}) {
  const page = await browser.post('/security/data', fields)
  return { page, data: page.status === 200 ? JSON.parse(page.text) : null }
}

describe('downloading your data', () => {
  it('answers one JSON file named for the day, as an attachment', async () => {
    const { browser } = await signedInUser()
    const { page } = await download(browser)
    expect(page.status).toBe(200)
    expect(page.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(page.headers.get('Content-Disposition')).toBe(`attachment; filename="ecuabots-mis-datos-${new Date().toISOString().slice(0, 10)}.json"`)
    expect(page.headers.get('Cache-Control')).toContain('no-store')
  })

  it('holds the account, its sessions, known browsers, passkeys, activity, mails to each of its addresses, and its address changes, the pending one too', async () => {
    const account = await fullAccount()
    const { data } = await download(account.browser)
    expect(data.account).toMatchObject({ id: account.user.id, name: account.name, email: account.email, hasPassword: true, twoStep: true, recoveryCodesLeft: 10, mailBounce: null })
    expect(Date.parse(data.account.createdAt)).toBe(account.user.createdAt)
    expect(data.account.emailConfirmedAt).not.toBeNull()
    expect(data.sessions).toHaveLength(2)
    expect(data.sessions.filter((s: { thisSession: boolean }) => s.thisSession)).toHaveLength(1)
    expect(data.sessions[0]).toEqual(
      expect.objectContaining({ device: expect.any(String), startedAt: expect.any(String), lastSeenAt: expect.any(String), method: expect.any(String) }),
    )
    expect(data.knownBrowsers).toHaveLength(2)
    expect(data.knownBrowsers[0]).toEqual({ device: expect.any(String), firstSignInAt: expect.any(String), skipsSecondStepUntil: null })
    expect(data.passkeys).toHaveLength(1)
    expect(data.passkeys[0]).toEqual(expect.objectContaining({ name: expect.any(String), addedAt: expect.any(String), lastUsedAt: null }))
    const types = data.securityActivity.map((e: { type: string }) => e.type)
    expect(types).toEqual(expect.arrayContaining(['sign_in', 'sign_in_failed', 'passkey_added', 'reset_requested', 'two_step_enabled', 'data_exported']))
    const kinds = data.mails.map((m: { kind: string }) => m.kind)
    expect(kinds).toEqual(expect.arrayContaining(['email-verification', 'new-sign-in', 'password-reset', 'passkey-added', 'two-step-on']))
    expect(Object.keys(data.mails[0]).sort()).toEqual(['kind', 'queuedAt', 'sentAt', 'status', 'to'])
    expect(new Set(data.mails.map((m: { to: string }) => m.to))).toEqual(new Set([account.email, account.formerEmail, account.pendingEmail]))
    expect(data.pendingChanges).toEqual([{ newEmail: account.pendingEmail, requestedAt: expect.any(String) }])
    expect(data.addressChanges).toEqual([
      { from: account.email, to: account.pendingEmail, status: 'pending', requestedAt: expect.any(String), endedAt: null },
      { from: account.formerEmail, to: account.email, status: 'confirmed', requestedAt: expect.any(String), endedAt: expect.any(String) },
    ])
  })

  it('holds nothing secret: no hash, token, key, credential, sealed body, two-step secret or recovery code the database holds for the account', async () => {
    const account = await fullAccount()
    const { page } = await download(account.browser)
    const secrets = await secretsHeldFor(account.user, [account.formerEmail, account.pendingEmail])
    // The account has them in every kind: a check against an empty list would prove nothing.
    expect(secrets.size).toBeGreaterThan(20)
    for (const secret of [...secrets, account.secret, ...account.codes]) expect(page.text).not.toContain(secret)
    expect(page.text).not.toMatch(/"(passwordHash|tokenHash|deviceHash|publicKey|credentialId|twoStepSecret|codeHash)"/)
  })

  it('is recorded in the security activity as "Descargó sus datos"', async () => {
    const { browser } = await signedInUser()
    await download(browser)
    expect(visibleText((await browser.get('/security')).text)).toContain('Descargó sus datos')
  })

  it('a session older than 10 minutes must give the current password: without it or with a wrong one there is no file', async () => {
    const { browser } = await signedInUser()
    advance(11 * MINUTE)
    const none = await download(browser)
    expect(none.page.status).toBe(422)
    expect(none.page.headers.get('Content-Disposition')).toBeNull()
    expect(visibleText(none.page.text)).toContain('Ingrese su contraseña actual')
    const wrong = await download(browser, { current_password: 'no-es-la-clave' })
    expect(wrong.page.status).toBe(422)
    expect(visibleText(wrong.page.text)).toContain('La contraseña actual no es correcta.')
    const right = await download(browser, { current_password: PASSWORD })
    expect(right.page.status).toBe(200)
    expect(right.data.account.name).toBe('Ana Pérez')
  })

  it('only the account signed in here: another browser without a session is sent to sign in', async () => {
    const page = await new Browser().post('/security/data')
    expect(page.status).toBe(303)
    expect(page.location).toMatch(/^\/login/)
  })
})
