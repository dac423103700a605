import { afterEach, describe, expect, it, vi } from 'vitest'
import { CODE_ATTEMPTS_PER_DAY } from '../src/auth/limits'
import { clock, MINUTE } from '../src/clock'
import { askForLink, Browser, codeIn, lastMailTo, linkIn, mailsTo, signedInUser, uniqueEmail, visibleText, wrongCodeFor } from './helpers'

// The six-digit code of an access link, typed in the browser that asked: it
// signs in only there, and an account's codes stop working for the day once
// strangers spend its daily attempts (a code can be guessed, a link cannot).

afterEach(() => vi.restoreAllMocks())

describe('the code (typed on the asking device)', () => {
  it('signs in the browser that asked', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    const page = await asking.post('/login/code', { code: code! })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/profile')
    expect(asking.cookie('__Host-login_request')).toBeUndefined()
    expect((await asking.get('/profile')).status).toBe(200)
  })

  it('does not work in another browser', async () => {
    const { email } = await signedInUser()
    const { code } = await askForLink(email)
    const other = new Browser()
    await other.post('/login/email', { email: uniqueEmail() }) // has a cookie of its own
    const page = await other.post('/login/code', { code: code! })
    expect(page.status).toBe(422)
    expect(visibleText(page.text)).toContain('El código es incorrecto, venció o ya se usó.')
    expect(other.cookie('__Host-session')).toBeUndefined()
  })

  it('a wrong code says how many attempts are left; 5 wrong codes kill the code, even the right one, but not the mailed link', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code, link } = await askForLink(email, asking)
    for (const left of [4, 3, 2, 1]) {
      const page = await asking.post('/login/code', { code: wrongCodeFor(code!) })
      expect(page.status).toBe(422)
      expect(visibleText(page.text)).toContain(left === 1 ? 'Le queda 1 intento.' : `Le quedan ${left} intentos.`)
    }
    const fifth = await asking.post('/login/code', { code: wrongCodeFor(code!) })
    expect(fifth.status).toBe(303)
    expect(fifth.location).toBe('/login/code/vencido')
    const dead = await asking.get(fifth.location!)
    expect(dead.status).toBe(200)
    expect(visibleText(dead.text)).toContain('Este código ya no es válido')
    const right = await asking.post('/login/code', { code: code! })
    expect(right.status).toBe(303)
    expect(right.location).toBe('/login/code/vencido')
    expect(asking.cookie('__Host-session')).toBeUndefined()
    expect((await new Browser().get(link!)).status).toBe(200) // the link is a secret only the mailbox holds: it still works
  })

  it('a code for an unknown address answers exactly like one for a known address', async () => {
    const { email } = await signedInUser()
    const knownBrowser = new Browser()
    const unknownBrowser = new Browser()
    await knownBrowser.post('/login/email', { email })
    await unknownBrowser.post('/login/email', { email: uniqueEmail('nadie') })
    const wrong = wrongCodeFor(codeIn(lastMailTo(email, 'login-link')))
    for (let attempt = 1; attempt <= 5; attempt++) {
      const known = await knownBrowser.post('/login/code', { code: wrong })
      const unknown = await unknownBrowser.post('/login/code', { code: wrong })
      // Four "wrong code" answers, then the way to the dead-request page: for both alike.
      expect(known.status).toBe(attempt < 5 ? 422 : 303)
      if (attempt < 5) expect(visibleText(known.text)).toContain('El código es incorrecto, venció o ya se usó.')
      else expect(known.location).toBe('/login/code/vencido')
      expect(unknown.status).toBe(known.status)
      expect(unknown.location).toBe(known.location)
      expect(visibleText(unknown.text)).toBe(visibleText(known.text))
    }
  })

  it('is single use: after signing in, the same code reads "Código incorrecto o vencido"', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code, link } = await askForLink(email, asking)
    const cookie = asking.cookie('__Host-login_request')!
    expect((await asking.post('/login/code', { code: code! })).status).toBe(303)
    const replaying = new Browser()
    const replay = await replaying.post('/login/code', { code: code! }, { Cookie: `__Host-login_request=${cookie}` })
    expect(replay.status).toBe(422)
    expect(visibleText(replay.text)).toContain('El código es incorrecto, venció o ya se usó.')
    expect(replaying.cookie('__Host-session')).toBeUndefined()
    expect((await new Browser().get(link!)).status).toBe(400) // and the link is spent too
  })

  it('expires with the link after 15 minutes', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 15 * MINUTE + 1000)
    const page = await asking.post('/login/code', { code: code! })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login/code/vencido')
    expect(asking.cookie('__Host-session')).toBeUndefined()
    const htmx = await askForLink(email, asking) // asked at +15 min, expires at +30
    vi.spyOn(clock, 'now').mockReturnValue(Date.now() + 30 * MINUTE + 2000)
    const inPlace = await asking.post('/login/code', { code: htmx.code! }, { 'HX-Request': 'true' })
    expect(inPlace.status).toBe(200)
    expect(inPlace.headers.get('HX-Redirect')).toBe('/login/code/vencido')
  })

  it('with htmx, a wrong code swaps only the message and the right one redirects the page', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const form = await asking.post('/login/email', { email: uniqueEmail('forma') })
    expect(form.status).toBe(200)
    expect(form.text).toContain('hx-target="#code-feedback" hx-swap="innerHTML"')
    expect(form.text).toContain('<div id="code-feedback" class="feedback" aria-live="polite"></div>')
    const { code } = await askForLink(email, asking)
    const wrong = await asking.post('/login/code', { code: wrongCodeFor(code!) }, { 'HX-Request': 'true' })
    expect(wrong.status).toBe(422)
    // Only the message: htmx puts it inside the live region that stays in the page (innerHTML), next to a way to a new code.
    expect(wrong.text).toBe('<p class="error">El código es incorrecto, venció o ya se usó. Le quedan 4 intentos. <a href="/login/email">Pedir un código nuevo</a></p>')

    const right = await asking.post('/login/code', { code: code! }, { 'HX-Request': 'true' })
    expect(right.status).toBe(200)
    expect(right.headers.get('HX-Redirect')).toBe('/profile')
    expect((await asking.get('/profile')).status).toBe(200)
  })

  it('a code that is not 6 digits is refused without counting an attempt', async () => {
    const { email } = await signedInUser()
    const asking = new Browser()
    const { code } = await askForLink(email, asking)
    for (const bad of ['', '12345', 'abcdef', '1234567']) {
      const page = await asking.post('/login/code', { code: bad })
      expect(page.status).toBe(422)
      expect(visibleText(page.text)).toContain('Ingrese los 6 dígitos del código.')
    }
    expect((await asking.post('/login/code', { code: code! })).status).toBe(303)
  })

  it('without the request cookie, a code leads to the expired page', async () => {
    const browser = new Browser()
    const page = await browser.post('/login/code', { code: '123456' })
    expect(page.status).toBe(303)
    expect(page.location).toBe('/login/code/vencido')
    const dead = await browser.get(page.location!)
    expect(dead.status).toBe(200)
    expect(visibleText(dead.text)).toContain('Pedir un enlace de acceso nuevo')
  })
})

describe('the daily ceiling on codes', () => {
  /** Strangers spend an account's daily code attempts: one request every 16 minutes (the mail budget allows 5 per 15), 4 wrong codes each. */
  async function useUpCodes(email: string, start: number) {
    for (let request = 0; request < CODE_ATTEMPTS_PER_DAY.limit / 4; request++) {
      vi.spyOn(clock, 'now').mockReturnValue(start + request * 16 * MINUTE)
      const stranger = new Browser()
      await stranger.post('/login/email', { email })
      for (let i = 0; i < 4; i++) await stranger.post('/login/code', { code: '000000' })
    }
    vi.spyOn(clock, 'now').mockReturnValue(start + (CODE_ATTEMPTS_PER_DAY.limit / 4) * 16 * MINUTE)
  }

  it(`codes stop working for an account after ${CODE_ATTEMPTS_PER_DAY.limit} attempts in a day across requests; links still work, and so does the owner's own browser`, async () => {
    const { browser: owner, email } = await signedInUser()
    await owner.post('/logout')
    await useUpCodes(email, Date.now())
    const asking = new Browser()
    await asking.post('/login/email', { email })
    const mail = lastMailTo(email, 'login-link')
    expect(mailsTo(email, 'login-link')).toHaveLength(CODE_ATTEMPTS_PER_DAY.limit / 4 + 1)
    const right = await asking.post('/login/code', { code: codeIn(mail) })
    expect(right.status).toBe(422) // reads like a wrong code: the ceiling must not show
    expect(asking.cookie('__Host-session')).toBeUndefined()
    const link = await new Browser().post(linkIn(mail, '/login/email/'))
    expect(link.status).toBe(303)
    expect(link.location).toBe('/profile')
    // The browser she signed in from before has a ceiling of its own.
    await owner.post('/login/email', { email })
    const own = await owner.post('/login/code', { code: codeIn(lastMailTo(email, 'login-link')) })
    expect(own.status).toBe(303)
    expect(own.location).toBe('/profile')
  })

  it('past the ceiling, wrong codes for a known address read exactly like those for an unknown one', async () => {
    const { email: known } = await signedInUser()
    const unknown = uniqueEmail('nadie')
    const start = Date.now()
    const answers = []
    for (const email of [known, unknown]) {
      await useUpCodes(email, start)
      const stranger = new Browser()
      await stranger.post('/login/email', { email })
      answers.push(await stranger.post('/login/code', { code: '000000' }))
    }
    expect(answers.map((page) => page.status)).toEqual([422, 422])
    expect(visibleText(answers[0]!.text)).toBe(visibleText(answers[1]!.text))
  })
})
