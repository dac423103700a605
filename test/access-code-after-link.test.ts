import { afterEach, describe, expect, it, vi } from 'vitest'
import { askForLink, Browser, signedInUser, uniqueEmail, visibleText, wrongCodeFor } from './helpers'

// Issue 19, point 7: a code whose link was already used on another device
// says so, instead of inviting tries that cannot work.

afterEach(() => vi.restoreAllMocks())

/** The mailed link and code of the request `browser` made for `email` (there is always one here: the address has an account). */
async function askedFor(email: string, browser: Browser) {
  const { link, code } = await askForLink(email, browser)
  return { link: link!, code: code! }
}

describe('a code after its link was used on another device', () => {
  it('leads to /login/code/vencido with "Ya entró con el enlace en otro dispositivo", never "Le quedan 4 intentos"', async () => {
    const { email } = await signedInUser()
    const laptop = new Browser()
    const { link, code } = await askedFor(email, laptop)
    expect((await new Browser().post(link)).status).toBe(303) // the phone opens the mailed link
    const answer = await laptop.post('/login/code', { code })
    expect(answer.status).toBe(303)
    expect(answer.location).toBe('/login/code/vencido?motivo=enlace-usado')
    const page = visibleText((await laptop.get(answer.location!)).text)
    expect(page).toContain('Ya entró con el enlace en otro dispositivo')
    expect(page).not.toContain('intentos')
    expect(page).toContain('Pedir un enlace de acceso nuevo')
  })

  it('with JavaScript on (htmx), the same code loads that page instead of "incorrecto"', async () => {
    const { email } = await signedInUser()
    const laptop = new Browser()
    const { link, code } = await askedFor(email, laptop)
    await new Browser().post(link)
    const answer = await laptop.post('/login/code', { code }, { 'HX-Request': 'true' })
    expect(answer.headers.get('HX-Redirect')).toBe('/login/code/vencido?motivo=enlace-usado')
  })

  it('a wrong code while the link is unused still counts down, and an unknown address answers like a known one', async () => {
    const { email } = await signedInUser()
    const known = new Browser()
    const { code } = await askedFor(email, known)
    const wrong = wrongCodeFor(code)
    expect(visibleText((await known.post('/login/code', { code: wrong })).text)).toContain('Le quedan 4 intentos')
    const stranger = new Browser()
    await stranger.post('/login/email', { email: uniqueEmail('nadie') })
    expect(visibleText((await stranger.post('/login/code', { code: '123456' })).text)).toContain('Le quedan 4 intentos')
  })
  it('a stranger who asked for her link and types wrong codes learns nothing when she uses it: the answer stays that of an address without an account', async () => {
    const { email } = await signedInUser()
    const stranger = new Browser()
    const { link, code } = await askedFor(email, stranger)
    const wrong = wrongCodeFor(code)
    const nobody = new Browser()
    await nobody.post('/login/email', { email: uniqueEmail('nadie') })
    expect(visibleText((await stranger.post('/login/code', { code: wrong })).text)).toContain('Le quedan 4 intentos')
    expect(visibleText((await nobody.post('/login/code', { code: wrong })).text)).toContain('Le quedan 4 intentos')
    expect((await new Browser().post(link)).status).toBe(303) // the owner clicks the link in her mail
    const afterHers = await stranger.post('/login/code', { code: wrong })
    const afterNobody = await nobody.post('/login/code', { code: wrong })
    expect(afterHers.status).toBe(afterNobody.status)
    expect(afterHers.location).toBe(afterNobody.location)
    expect(visibleText(afterHers.text)).toBe(visibleText(afterNobody.text))
    expect(visibleText(afterHers.text)).toContain('Le quedan 3 intentos')
  })
})
