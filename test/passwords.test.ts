import { describe, expect, it, vi } from 'vitest'
import {
  checkNewPassword,
  hashPassword,
  isCommonPassword,
  needsRehash,
  PASSWORD_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  verifyPassword,
} from '../src/auth/passwords'
import { legacyHash } from './helpers'

/** What every deployment hashes with (the suite's own requests hash with fewer: test/vitest.config.ts). */
const PRODUCTION = { pepper: null, iterations: PASSWORD_ITERATIONS }

describe('password hashing', () => {
  it('never asks PBKDF2 for more iterations than production Workers allow (100,000)', async () => {
    // Local workerd accepts any count; production throws "iteration counts
    // above 100000 are not supported". This is the check that catches it.
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000)
    expect(PASSWORD_ITERATIONS).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS)
    const stored = await hashPassword('clave-segura', PRODUCTION)
    expect(Number(stored.split('$')[1])).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS)
  })

  it('stores algorithm, iterations, pepper flag, a 16-byte salt and the hash in one string', async () => {
    const stored = await hashPassword('clave-segura', PRODUCTION)
    const [algorithm, iterations, peppered, salt, hash] = stored.split('$')
    expect(algorithm).toBe('pbkdf2-sha256')
    expect(iterations).toBe('100000')
    expect(peppered).toBe('0')
    expect(salt).toHaveLength(22) // 16 bytes, base64url
    expect(hash).toHaveLength(43) // 32 bytes
    expect(await hashPassword('clave-segura', PRODUCTION)).not.toBe(stored) // fresh salt each time
  })

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('clave-segura', PRODUCTION)
    expect(await verifyPassword('clave-segura', stored, null)).toBe(true)
    expect(await verifyPassword('clave-segurA', stored, null)).toBe(false)
    expect(await verifyPassword('', stored, null)).toBe(false)
  })

  it('treats the same passphrase typed with composed or decomposed accents as equal (NFKC)', async () => {
    const stored = await hashPassword('contraseña año', PRODUCTION)
    expect(await verifyPassword('contrasen\u0303a an\u0303o', stored, null)).toBe(true)
  })

  it('accepts long passphrases', async () => {
    const passphrase = 'una frase larga de paso que nadie más podría adivinar jamás 2026!!'
    expect(passphrase.length).toBeGreaterThanOrEqual(64)
    const stored = await hashPassword(passphrase, PRODUCTION)
    expect(await verifyPassword(passphrase, stored, null)).toBe(true)
  })

  it('still verifies a hash made with older parameters and flags it for rehash', async () => {
    const old = await legacyHash('clave-vieja', 50_000)
    expect(await verifyPassword('clave-vieja', old, null)).toBe(true)
    expect(needsRehash(old, PRODUCTION)).toBe(true)
    expect(needsRehash(await hashPassword('clave-vieja', PRODUCTION), PRODUCTION)).toBe(false)
  })

  it('with a pepper: records it, needs it to verify, and upgrades unpeppered hashes', async () => {
    const peppered = await hashPassword('clave-segura', { pepper: 'pimienta', iterations: PASSWORD_ITERATIONS })
    expect(peppered.split('$')[2]).toBe('1')
    expect(await verifyPassword('clave-segura', peppered, 'pimienta')).toBe(true)
    expect(await verifyPassword('clave-segura', peppered, 'otra-pimienta')).toBe(false)
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(await verifyPassword('clave-segura', peppered, null)).toBe(false) // fails closed, loudly
    expect(log).toHaveBeenCalledWith(JSON.stringify({ event: 'password.pepper_missing' }))
    log.mockRestore()
    const plain = await hashPassword('clave-segura', PRODUCTION)
    expect(await verifyPassword('clave-segura', plain, 'pimienta')).toBe(true) // old hashes keep working
    expect(needsRehash(plain, { pepper: 'pimienta', iterations: PASSWORD_ITERATIONS })).toBe(true)
  })

  it('refuses malformed stored hashes instead of throwing', async () => {
    for (const stored of ['', 'md5$abc', 'pbkdf2-sha256$x$0$a$b', 'pbkdf2-sha256$1000$2$a$b', 'pbkdf2-sha256$1000$0$!!$??']) {
      expect(await verifyPassword('clave', stored, null)).toBe(false)
      expect(needsRehash(stored, PRODUCTION)).toBe(true)
    }
  })
})

describe('new password rules (shared by the forms and the inline check)', () => {
  it('requires at least 6 characters, as the help page says', () => {
    expect(checkNewPassword('k7#p2', 'k7#p2').password).toBe('La contraseña debe tener al menos 6 caracteres.')
    expect(checkNewPassword('k7#p2x', 'k7#p2x')).toEqual({})
  })

  it('requires the confirmation to match', () => {
    expect(checkNewPassword('k7#p2x', 'k7#p2y').password_confirmation).toBe('Las contraseñas no coinciden.')
    expect(checkNewPassword('k7#p2x', '').password_confirmation).toBe('Vuelva a escribir la contraseña para confirmarla.')
  })

  it('refuses the most common passwords, case-insensitively, Spanish ones included', () => {
    for (const common of ['123456', 'password', 'PassWord', 'qwerty123', 'iloveyou', 'Contraseña', 'teamo123', 'ecuador123']) {
      expect(checkNewPassword(common, common).password, common).toBe('Esta contraseña es demasiado común. Elija otra más difícil de adivinar.')
    }
    expect(checkNewPassword('río-tranquilo-42', 'río-tranquilo-42')).toEqual({})
  })

  it('checks against the list in constant time: a Set, built once', () => {
    expect(isCommonPassword('password')).toBe(true)
    const start = performance.now()
    for (let i = 0; i < 10_000; i++) isCommonPassword(`no-comun-${i}`)
    expect(performance.now() - start).toBeLessThan(500)
  })

  it('refuses the person\'s own name or address', () => {
    const owner = { name: 'Mariana Torres', email: 'mariana.torres@empresa.ec' }
    for (const personal of ['mariana.torres@empresa.ec', 'Mariana.Torres', 'marianatorres', 'mariana.torres2026']) {
      expect(checkNewPassword(personal, personal, owner).password, personal).toBe('No use su nombre ni su correo electrónico como contraseña.')
    }
    expect(checkNewPassword('café-del-valle-9', 'café-del-valle-9', owner)).toEqual({})
  })

  it('refuses absurdly long passwords before any hashing', () => {
    expect(checkNewPassword('a'.repeat(257), 'a'.repeat(257)).password).toBe('La contraseña debe tener como máximo 256 caracteres.')
    expect(checkNewPassword('a'.repeat(256), 'a'.repeat(256))).toEqual({})
  })
})
