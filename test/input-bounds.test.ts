import { describe, expect, it } from 'vitest'
import { MAX_EMAIL_LENGTH } from '../src/addresses/email'
import { MAX_NAME_LENGTH } from '../src/auth/names'
import { checkNewPassword, MAX_PASSWORD_LENGTH } from '../src/auth/passwords'
import { MAX_BODY_BYTES } from '../src/http/body-limits'
import { Browser, ORIGIN, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

/** ARABIC LIGATURE SALLALLAHOU ALAYHE WASALLAM: one character that NFKC turns into 18. */
const FDFA = '\uFDFA'
const TOO_LARGE = 'Envío demasiado grande'

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const bytesOf = (form: Record<string, string>) => new TextEncoder().encode(new URLSearchParams(form).toString()).byteLength
const inlineCheck = (form: Record<string, string>) => new Browser().post('/validate/password', form, { 'HX-Request': 'true' })

describe('a megabyte in a field gets the "too large" page, never a 500', () => {
  const hugeName = FDFA.repeat(1_000_000)

  it('a 1M-character name to the inline password check is refused as too large (413)', async () => {
    const page = await inlineCheck({ name: hugeName, email: 'ana@example.com', password: PASSWORD, password_confirmation: PASSWORD })
    expect(page.status).toBe(413)
    expect(visibleText(page.text)).toContain(TOO_LARGE)
  })

  it('a 1M-character name to sign-up is refused as too large (413), as a form or as multipart', async () => {
    const fields = { name: hugeName, email: uniqueEmail(), password: PASSWORD, password_confirmation: PASSWORD }
    const form = await new Browser().post('/signup', fields)
    expect(form.status).toBe(413)
    expect(visibleText(form.text)).toContain(TOO_LARGE)
    expect(visibleText(form.text)).toContain('El nombre admite hasta 100 caracteres')
    const body = new FormData()
    for (const [key, value] of Object.entries(fields)) body.append(key, value)
    const multipart = await new Browser().request('/signup', { method: 'POST', body, headers: { Origin: ORIGIN } })
    expect(multipart.status).toBe(413)
    expect(visibleText(multipart.text)).toContain(TOO_LARGE)
  })

  it('a body one byte over the limit is refused (413); one exactly at the limit is answered', async () => {
    const base = { password: PASSWORD, password_confirmation: PASSWORD, padding: '' }
    const atLimit = { ...base, padding: 'x'.repeat(MAX_BODY_BYTES - bytesOf(base)) }
    expect(bytesOf(atLimit)).toBe(MAX_BODY_BYTES)
    const answered = await inlineCheck(atLimit)
    expect(answered.status).toBe(200)
    expect(visibleText(answered.text)).toBe('Las contraseñas coinciden.')
    const over = await inlineCheck({ ...atLimit, padding: `${atLimit.padding}x` })
    expect(over.status).toBe(413)
    expect(visibleText(over.text)).toContain(TOO_LARGE)
  })

  it('the largest legitimate profile form (every field at its limit, 3-byte characters) still fits', async () => {
    const { browser } = await signedInUser()
    const password = FDFA.repeat(MAX_PASSWORD_LENGTH)
    const form = {
      name: FDFA.repeat(MAX_NAME_LENGTH),
      email: FDFA.repeat(MAX_EMAIL_LENGTH),
      current_password: password,
      password,
      password_confirmation: password,
    }
    expect(bytesOf(form)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    const page = await browser.post('/profile', form)
    // Not refused as too large: read and checked field by field, the password is refused next to its field for containing the name.
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('Revise los campos marcados.')
    expect(visibleText(page.text)).toContain('No use su nombre ni su correo electrónico como contraseña.')
  })
})

// Measuring CPU inside workerd. Workers in production freeze Date.now() and
// performance.now() between I/O (a Spectre mitigation), so a stopwatch
// around synchronous work would read 0 and any "cost" comparison would pass
// whatever the code did. The first test checks, in this very runtime, that
// the clock advances during synchronous work: if a workerd upgrade ever
// freezes it, that test fails (and says why) instead of the second one
// passing blindly. The clock has 1 ms resolution here, so each sample times
// a batch of requests, shapes interleaved so drift on a shared machine hits
// both alike, and we compare medians.
describe('a hostile body costs about what an ordinary one does', () => {
  it('the stopwatch sees synchronous work inside workerd (else the next test would be blind)', () => {
    const start = performance.now()
    let expanded = 0
    for (let round = 0; round < 20; round++) expanded += FDFA.repeat(50_000).normalize('NFKC').length
    const elapsed = performance.now() - start
    expect(expanded).toBe(20 * 50_000 * 18)
    expect(elapsed, 'performance.now() did not move during 18M characters of NFKC: the clock is frozen, cost tests cannot measure').toBeGreaterThan(5)
  })

  it('the inline check of a body just under the limit, all U+FDFA, costs ≤ 3× an ordinary one + 2 ms', async () => {
    const normal = { name: 'Ana Pérez', email: 'ana.perez@example.com', password: PASSWORD, password_confirmation: PASSWORD }
    // Every field at the length the rules do work on (NFC, NFKC, lower-case,
    // the common-password lookup), the rest of the budget in the confirmation.
    const atCaps = {
      name: FDFA.repeat(MAX_NAME_LENGTH),
      email: FDFA.repeat(MAX_EMAIL_LENGTH),
      password: FDFA.repeat(MAX_PASSWORD_LENGTH),
      password_confirmation: '',
    }
    atCaps.password_confirmation = FDFA.repeat(Math.floor((MAX_BODY_BYTES - bytesOf(atCaps)) / 9)) // %EF%B7%BA: 9 bytes each
    // The whole body spread over the four fields, each far over its cap.
    const quarter = FDFA.repeat(Math.floor((MAX_BODY_BYTES - 60) / 9 / 4))
    const overCaps = { name: quarter, email: quarter, password: quarter, password_confirmation: quarter }
    for (const hostile of [atCaps, overCaps]) {
      expect(bytesOf(hostile)).toBeLessThanOrEqual(MAX_BODY_BYTES)
      expect(bytesOf(hostile)).toBeGreaterThan(MAX_BODY_BYTES - 64)
      expect((await inlineCheck(hostile)).status).toBe(200)
    }

    const shapes = { normal, atCaps, overCaps }
    const samples: Record<keyof typeof shapes, number[]> = { normal: [], atCaps: [], overCaps: [] }
    const batch = 10
    for (let round = 0; round < 3 + 15; round++) {
      for (const [shape, form] of Object.entries(shapes) as [keyof typeof shapes, Record<string, string>][]) {
        const start = performance.now()
        for (let i = 0; i < batch; i++) await inlineCheck(form)
        if (round >= 3) samples[shape].push((performance.now() - start) / batch) // the first rounds warm up
      }
    }
    // The fastest round of each shape: what the work costs when nothing else
    // runs. A busy machine slows some rounds at random, never all of them.
    const [normalMs, atCapsMs, overCapsMs] = [Math.min(...samples.normal), Math.min(...samples.atCaps), Math.min(...samples.overCaps)]
    const budget = 3 * normalMs + 2
    expect(atCapsMs, `hostile at the caps: ${atCapsMs} ms per request, ordinary: ${normalMs} ms`).toBeLessThanOrEqual(budget)
    expect(overCapsMs, `hostile over the caps: ${overCapsMs} ms per request, ordinary: ${normalMs} ms`).toBeLessThanOrEqual(budget)
  })

  // The body limit keeps megabytes out of the app today; this holds the
  // rule itself to its caps, should it ever be called with a longer value.
  it('the "not your own name" rule costs the same for a 1M-character name and address as for real ones', () => {
    const huge = FDFA.repeat(1_000_000)
    const owners = { normal: { name: 'Ana Pérez', email: 'ana.perez@example.com' }, hostile: { name: huge, email: huge } }
    const samples = { normal: [] as number[], hostile: [] as number[] }
    for (let round = 0; round < 2 + 9; round++) {
      for (const shape of ['normal', 'hostile'] as const) {
        const start = performance.now()
        for (let i = 0; i < 5; i++) expect(checkNewPassword(PASSWORD, PASSWORD, owners[shape])).toEqual({})
        if (round >= 2) samples[shape].push((performance.now() - start) / 5)
      }
    }
    const [normalMs, hostileMs] = [median(samples.normal), median(samples.hostile)]
    expect(hostileMs, `hostile: ${hostileMs} ms per check, ordinary: ${normalMs} ms`).toBeLessThanOrEqual(3 * normalMs + 2)
    expect(checkNewPassword('ana.perez', 'ana.perez', owners.normal).password).toBe('No use su nombre ni su correo electrónico como contraseña.')
  })
})
