import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { app, observedD1, PASSWORD, signedInUser, uniqueEmail } from './helpers'

/**
 * The work a request does for an address, seen from outside the code: every
 * SQL statement it sends to D1 (text, not values) and every seal
 * (AES-GCM encryption of a mail body). What follows the first outbox claim
 * is the sending of a mail that exists, after the response and after the
 * batch that decided it: left out.
 */
async function workFor(path: string, form: Record<string, string>) {
  const statements: string[] = []
  const db = observedD1({ statement: (sql) => statements.push(sql) })
  const seals = vi.spyOn(crypto.subtle, 'encrypt')
  const ctx = createExecutionContext()
  const response = await app.fetch(
    new Request(`https://cuentas.ecuabots.test${path}`, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: {
        Origin: 'https://cuentas.ecuabots.test',
        'Content-Type': 'application/x-www-form-urlencoded',
        'CF-Connecting-IP': `2001:db8:${crypto.randomUUID().slice(0, 4)}::1`,
      },
      redirect: 'manual',
    }),
    { ...env, DB: db },
    ctx,
  )
  await response.arrayBuffer() // work after the response starts once its body has been read
  await waitOnExecutionContext(ctx)
  const sealed = seals.mock.calls.length
  seals.mockRestore()
  const sending = statements.findIndex((sql) => /^update "outbox"/i.test(sql))
  return { status: response.status, statements: sending === -1 ? statements : statements.slice(0, sending), sealed }
}

afterEach(() => vi.restoreAllMocks())

describe('equal work for unknown addresses: every route that may send a mail renders and seals one alike', () => {
  it.each([
    ['Olvidé mi contraseña', '/password/forgot', (email: string) => ({ email })],
    ['the access link', '/login/email', (email: string) => ({ email })],
    ['sign-up', '/signup', (email: string) => ({ name: 'Ana Pérez', email, password: 'otra-clave-larga-7', password_confirmation: 'otra-clave-larga-7' })],
  ])('%s: an address without an account runs the same statements and seals as many bodies as one with an account', async (_, path, form) => {
    vi.spyOn(console, 'log').mockImplementation(() => {})
    const { email: known } = await signedInUser({ password: PASSWORD })
    const forKnown = await workFor(path, form(known))
    const forUnknown = await workFor(path, form(uniqueEmail('nadie')))
    expect(forUnknown.status).toBe(forKnown.status)
    expect(forKnown.statements.length).toBeGreaterThan(3)
    expect(forKnown.sealed).toBeGreaterThan(0) // the mail with its link was sealed…
    expect(forUnknown.sealed).toBe(forKnown.sealed) // …and as many for nobody
    expect(forUnknown.statements).toEqual(forKnown.statements)
  })
})
