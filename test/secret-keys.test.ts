import { describe, expect, it } from 'vitest'
import { createKeyring, isSealed } from '../src/crypto/keys'

const OLD = 'old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz'
const NEW = 'new-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz'
const LINK = 'https://cuentas.ecuabots.com/password/reset/abc'

describe('sealing with keys derived from SECRET_KEY', () => {
  it('seals text so that it no longer shows, and opens it again under the same row id only', async () => {
    const keyring = createKeyring({ current: NEW, previous: null }, 'outbox-body')
    const sealed = await keyring.seal(LINK, 'row-1')
    expect(isSealed(sealed)).toBe(true)
    expect(sealed).not.toContain('password/reset')
    expect(await keyring.open(sealed, 'row-1')).toBe(LINK)
    expect(await keyring.open(sealed, 'row-2')).toBeNull()
  })

  it('gives a different sealed text each time (a fresh IV per value)', async () => {
    const keyring = createKeyring({ current: NEW, previous: null }, 'outbox-body')
    expect(await keyring.seal(LINK, 'row-1')).not.toBe(await keyring.seal(LINK, 'row-1'))
  })

  it('does not open a sealed text that was tampered with', async () => {
    const keyring = createKeyring({ current: NEW, previous: null }, 'outbox-body')
    const sealed = await keyring.seal(LINK, 'row-1')
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1)
    expect(await keyring.open(flipped, 'row-1')).toBeNull()
    expect(await keyring.open('sealed:v1:garbage', 'row-1')).toBeNull()
  })

  it('after a rotation opens what the previous key sealed, and seals only with the new one', async () => {
    const before = createKeyring({ current: OLD, previous: null }, 'outbox-body')
    const during = createKeyring({ current: NEW, previous: OLD }, 'outbox-body')
    const sealedBefore = await before.seal(LINK, 'row-1')
    expect(await during.open(sealedBefore, 'row-1')).toBe(LINK)
    expect(await before.open(await during.seal(LINK, 'row-1'), 'row-1')).toBeNull()
    expect(await createKeyring({ current: NEW, previous: null }, 'outbox-body').open(sealedBefore, 'row-1')).toBeNull()
  })

  it('without SECRET_KEY cannot seal, and opens only what SECRET_KEY_PREVIOUS sealed', async () => {
    const sealed = await createKeyring({ current: OLD, previous: null }, 'outbox-body').seal(LINK, 'row-1')
    const keyless = createKeyring({ current: null, previous: OLD }, 'outbox-body')
    expect(keyless.canSeal).toBe(false)
    await expect(keyless.seal(LINK, 'row-1')).rejects.toThrow(/SECRET_KEY is not set/)
    expect(await keyless.open(sealed, 'row-1')).toBe(LINK)
  })
})
