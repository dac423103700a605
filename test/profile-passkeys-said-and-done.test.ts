import { afterEach, describe, expect, it, vi } from 'vitest'
import { clock, MINUTE } from '../src/clock'
import { Browser, PASSWORD, signedInUser, visibleText } from './helpers'
import { addPasskey, json, registrationOptions, SoftAuthenticator } from './helpers/webauthn'

// Issue 19, points 8 and 11: the profile asks for the current password once,
// and a passkey is removed only after a second, deliberate step.

afterEach(() => vi.restoreAllMocks())

const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'

/** The tab stops of a page in document order (no positive tabindex on these pages), with the form each belongs to. */
function tabStops(html: string) {
  const stops: { form: string | null; tag: string; text: string }[] = []
  let form: string | null = null
  for (const match of html.matchAll(/<form\b([^>]*)>|<\/form>|<(input|button|a|summary|select|textarea)\b([^>]*)>([^<]*)/g)) {
    if (match[1] !== undefined) form = /action="([^"]*)"/.exec(match[1])?.[1] ?? ''
    else if (match[0] === '</form>') form = null
    else if (!/type="hidden"|\bhidden\b/.test(match[3]!)) stops.push({ form, tag: match[2]!, text: `${match[3]} ${match[4]}` })
  }
  return stops
}

describe('one "Contraseña actual" on the profile (point 8)', () => {
  it('an old session sees one current-password field, in the profile form, before GUARDAR PERFIL, with nothing of another form in between', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const page = await browser.get('/profile')
    expect(page.text.match(/name="current_password"/g)).toHaveLength(1)
    expect(page.text.match(/>Contraseña actual</g)).toHaveLength(1)
    expect(visibleText(page.text)).toContain('ingrese su contraseña actual para cambiar su contraseña o agregar una llave de acceso')
    const stops = tabStops(page.text)
    const current = stops.findIndex((stop) => /name="current_password"/.test(stop.text))
    const save = stops.findIndex((stop) => /GUARDAR PERFIL/.test(stop.text))
    expect(stops[current]!.form).toBe('/profile')
    expect(current).toBeLessThan(save)
    // From the name to GUARDAR PERFIL, every stop is the profile form's own.
    const name = stops.findIndex((stop) => /name="name"/.test(stop.text))
    expect(stops.slice(name, save + 1).map((stop) => stop.form)).toEqual(Array(save + 1 - name).fill('/profile'))
    // The passkey form, after it, asks for no password of its own.
    const passkeyForm = /<form id="passkey-add"[\s\S]*?<\/form>/.exec(page.text)![0]
    expect(passkeyForm).not.toContain('<input')
  })

  it('adding a passkey on an old session takes the password from that one field, and says where to type it when it is blank', async () => {
    const { browser } = await signedInUser()
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 11 * MINUTE)
    const blank = await registrationOptions(browser)
    expect(blank.page.status).toBe(422)
    expect(json(blank.page)).toEqual({ error: 'Para agregar una llave de acceso, ingrese su contraseña actual en «Contraseña actual», más arriba.', field: 'current_password' })
    const right = await registrationOptions(browser, { current_password: PASSWORD })
    expect(right.page.status).toBe(200)
  })
})

describe('removing a passkey asks first, and passkeys tell apart (point 11)', () => {
  it('"Eliminar esta llave…" opens a confirmation naming the passkey, away from "Cambiar nombre" and in another style; nothing is deleted until it is confirmed', async () => {
    const { browser } = await signedInUser()
    expect((await addPasskey(browser, await SoftAuthenticator.create())).status).toBe(200)
    const html = (await browser.get('/profile')).text
    const item = /<li data-credential-id[\s\S]*?<\/li>/.exec(html)![0]
    // The delete form sits inside its own <details>, after its question, not next to the rename button.
    const removal = /<details class="confirm remove">([\s\S]*?)<\/details>/.exec(item)![1]!
    expect(removal).toMatch(/<summary class="linklike danger">Eliminar esta llave…/)
    expect(visibleText(removal)).toMatch(/¿Eliminar la llave de acceso «.+»\? Ya no podrá entrar con ella\./)
    expect(removal).toMatch(/<form method="post" action="\/profile\/passkeys\/[^"]+\/delete">/)
    expect(removal).toContain('Sí, eliminar la llave')
    const rename = /<form method="post" action="\/profile\/passkeys\/[^"]+\/rename">[\s\S]*?<\/form>/.exec(item)![0]
    expect(rename).not.toContain('/delete')
    expect(rename).toMatch(/<button type="submit" class="secondary">\s*Cambiar nombre/)
  })

  it('two passkeys added from like phones read differently: browser, system and the day each was added', async () => {
    const { browser } = await signedInUser()
    const first = Date.UTC(2026, 11, 2, 15)
    vi.spyOn(clock, 'now').mockReturnValue(first)
    // Hours after signing up: the session is not fresh, so the current password goes along.
    const { options } = await registrationOptions(browser, { current_password: PASSWORD })
    const credential = await (await SoftAuthenticator.create()).register(options!)
    expect((await browser.post('/profile/passkeys', { credential: JSON.stringify(credential) }, { 'User-Agent': ANDROID_CHROME })).status).toBe(200)
    vi.spyOn(clock, 'now').mockReturnValue(first + 3 * 24 * 60 * MINUTE)
    const later = await registrationOptions(browser, { current_password: PASSWORD })
    const second = await (await SoftAuthenticator.create()).register(later.options!)
    expect((await browser.post('/profile/passkeys', { credential: JSON.stringify(second) }, { 'User-Agent': ANDROID_CHROME })).status).toBe(200)
    const text = visibleText((await browser.get('/profile')).text)
    expect(text).toContain('Chrome en Android · agregada el 2 dic')
    expect(text).toContain('Chrome en Android · agregada el 5 dic')
  })
})

describe('a new browser (no session)', () => {
  it('cannot delete anything: the confirmation is a form behind the session like the rest', async () => {
    const page = await new Browser().post('/profile/passkeys/inventada/delete')
    expect(page.status).toBe(303)
    expect(page.location).toMatch(/^\/login\?next=/)
  })
})
