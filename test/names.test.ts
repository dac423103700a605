import { describe, expect, it } from 'vitest'
import { checkName, MAX_NAME_LENGTH, normalizeName } from '../src/auth/names'
import { Browser, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

/** What a form does with the field: normalise, then check. */
const verdict = (raw: string | undefined) => checkName(normalizeName(raw))

const oneLine = 'Escriba su nombre en una sola línea, sin tabulaciones ni caracteres de control.'
const invisible = 'Su nombre no puede tener caracteres invisibles ni marcas que cambian la dirección del texto.'

describe('a name is one line of visible text', () => {
  it('accepts accents, ñ, apostrophes, hyphens and other scripts', () => {
    for (const name of ['José Núñez', "María-José O'Connor", 'Zoë Ångström', '山田 太郎', 'Ana 😀']) {
      expect(verdict(name), name).toBeUndefined()
    }
  })

  it('trims and composes decomposed accents (NFD) into one spelling', () => {
    expect(normalizeName('  Jose\u0301 Nu\u0301n\u0303ez ')).toBe('Jos\u00e9 N\u00fa\u00f1ez')
    expect(normalizeName('Jose\u0301')).toBe('Jos\u00e9')
  })

  it('refuses line breaks, tabs and other control characters', () => {
    for (const name of ['Ana\nBcc: x@y.com', 'Ana\r\nPérez', 'Ana\tPérez', 'Ana\u0085Pérez', 'Ana\u2028Pérez', 'Ana\u0000']) {
      expect(verdict(name), JSON.stringify(name)).toBe(oneLine)
    }
  })

  it('refuses bidi overrides and marks that make a name read backwards', () => {
    for (const mark of ['\u202E', '\u202D', '\u202A', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
      expect(verdict(`Ana${mark}moc.elpmaxe`), `U+${mark.codePointAt(0)!.toString(16)}`).toBe(invisible)
    }
  })

  it('refuses zero-width and other invisible characters', () => {
    for (const mark of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u3164', '\u{E0041}']) {
      expect(verdict(`An${mark}a`), `U+${mark.codePointAt(0)!.toString(16)}`).toBe(invisible)
    }
  })

  it('asks for a name when it is empty or only spaces', () => {
    expect(verdict(undefined)).toBe('Ingrese su nombre.')
    expect(verdict('   ')).toBe('Ingrese su nombre.')
  })

  it('refuses more than 100 characters without normalising a megabyte', () => {
    expect(verdict('a'.repeat(MAX_NAME_LENGTH))).toBeUndefined()
    expect(verdict('a'.repeat(MAX_NAME_LENGTH + 1))).toBe('El nombre debe tener como máximo 100 caracteres.')
    const huge = '\uFDFA'.repeat(1_000_000)
    expect(normalizeName(huge)).toBe(huge.slice(0, MAX_NAME_LENGTH + 1)) // cut, not expanded
    expect(verdict(huge)).toBe('El nombre debe tener como máximo 100 caracteres.')
  })
})

// These go through the sign-up and profile forms: they need those handlers
// to call normalizeName/checkName (see the commit message).
describe('the forms refuse such names next to the field', () => {
  it('sign-up with a line break in the name shows the one-line message (422) and sends no mail', async () => {
    const email = uniqueEmail()
    const page = await new Browser().post('/signup', { name: 'Ana\nBcc: x@y.com', email, password: PASSWORD, password_confirmation: PASSWORD })
    expect(page.status).toBe(422)
    expect(page.text).toContain(`<p class="error" id="name-error">${oneLine}</p>`)
    expect(mailsTo(email)).toEqual([])
  })

  it('sign-up with a right-to-left override in the name shows the invisible-characters message (422)', async () => {
    const page = await new Browser().post('/signup', { name: 'Ana\u202Eoculto', email: uniqueEmail(), password: PASSWORD, password_confirmation: PASSWORD })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain(invisible)
  })

  it('the profile refuses a zero-width space in the name (422) and keeps the old name', async () => {
    const { browser } = await signedInUser({ name: 'Ana Pérez' })
    const page = await browser.post('/profile', { name: 'Ana\u200BPérez' })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain(invisible)
    const profile = await browser.get('/profile')
    expect(profile.status).toBe(200)
    expect(profile.text).toContain('value="Ana Pérez"')
  })
})
