import { describe, expect, it } from 'vitest'
import { MAILS_PER_ADDRESS } from '../src/auth/limits'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, uniqueEmail, visibleText } from './helpers'

// Issue 19, point 4 (and the sign-up part of point 3): the sign-up answer
// is no dead end, and a repeat sign-up of an unconfirmed account re-sends
// its confirmation — saying nothing a stranger could use.

function signUp(email: string, browser = new Browser()) {
  return browser.post('/signup', { name: 'Rosa Vera', email, password: PASSWORD, password_confirmation: PASSWORD })
}

/** The page with the address itself taken out, so answers for different addresses can be compared. */
function answerOf(html: string, email: string) {
  return visibleText(html).replaceAll(email, 'CORREO')
}

describe('the sign-up answer page', () => {
  it('names the subject to look for, says what to do if nothing comes in 2 minutes, and offers a resend, "¿Escribió mal su correo?" and a way to sign in', async () => {
    const email = uniqueEmail('rosa')
    const page = await signUp(email)
    expect(page.status).toBe(200)
    const text = visibleText(page.text)
    expect(text).toContain('«Confirme su correo electrónico»')
    expect(text).toContain('¿No llegó en 2 minutos?')
    expect(page.text).toContain('<form method="post" action="/signup/resend">')
    expect(text).toContain('REENVIAR EL CORREO')
    expect(page.text).toContain('<a href="/signup">¿Escribió mal su correo?</a>')
    expect(page.text).toContain('<a href="/login">Iniciar sesión</a>')
  })

  it('"REENVIAR EL CORREO" sends a new confirmation link that works, for an unconfirmed account', async () => {
    const email = uniqueEmail('rosa')
    const laptop = new Browser()
    await signUp(email, laptop)
    const resent = await laptop.post('/signup/resend', { email })
    expect(resent.status).toBe(200)
    expect(visibleText(resent.text)).toContain('le enviamos un enlace de confirmación nuevo')
    expect(mailsTo(email, 'email-verification')).toHaveLength(2)
    const confirmed = await new Browser().post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.status).toBe(303)
  })

  it('a resend reads the same for a confirmed account and for no account, and sends them nothing', async () => {
    const { email: confirmed } = await signedInUser()
    const nobody = uniqueEmail('nadie')
    const before = mailsTo(confirmed).length
    const forConfirmed = await new Browser().post('/signup/resend', { email: confirmed })
    const forNobody = await new Browser().post('/signup/resend', { email: nobody })
    expect(forConfirmed.status).toBe(forNobody.status)
    expect(answerOf(forConfirmed.text, confirmed)).toBe(answerOf(forNobody.text, nobody))
    expect(mailsTo(confirmed)).toHaveLength(before)
    expect(mailsTo(nobody)).toHaveLength(0)
  })

  it('resends stop at the address\'s mail budget', async () => {
    const email = uniqueEmail('rosa')
    await signUp(email)
    for (let i = 0; i < MAILS_PER_ADDRESS.limit + 2; i++) expect((await new Browser().post('/signup/resend', { email })).status).toBe(200)
    expect(mailsTo(email, 'email-verification')).toHaveLength(MAILS_PER_ADDRESS.limit)
  })
})

describe('signing up again with an unconfirmed address', () => {
  it('re-sends the confirmation (not «usted ya tiene una cuenta»), and the answer reads like any sign-up', async () => {
    const email = uniqueEmail('rosa')
    const first = await signUp(email)
    const again = await signUp(email)
    expect(again.status).toBe(first.status)
    expect(visibleText(again.text)).toBe(visibleText(first.text))
    expect(mailsTo(email, 'email-verification')).toHaveLength(2)
    expect(mailsTo(email, 'account-exists')).toHaveLength(0)
    const fresh = uniqueEmail('rosa')
    expect(answerOf((await signUp(fresh)).text, fresh)).toBe(answerOf(again.text, email))
  })

  it('the re-sent link confirms, but keeps no password typed at sign-up: whoever signed up first may have been a stranger', async () => {
    const email = uniqueEmail('rosa')
    await new Browser().post('/signup', { name: 'Extraño', email, password: 'clave-del-extrano', password_confirmation: 'clave-del-extrano' })
    const owner = new Browser()
    await signUp(email, owner)
    const confirmed = await owner.post(linkIn(lastMailTo(email, 'email-verification'), '/email/verify/'))
    expect(confirmed.location).toBe('/profile?aviso=cree-contrasena')
    expect((await new Browser().post('/login', { email, password: 'clave-del-extrano' })).status).toBe(401)
  })

  it('a confirmed account still gets only the note that it exists', async () => {
    const { email } = await signedInUser()
    await signUp(email)
    expect(mailsTo(email, 'account-exists')).toHaveLength(1)
    expect(mailsTo(email, 'email-verification')).toHaveLength(1) // the first sign-up's own
  })
})
