import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { users } from '../src/db/schema'
import { Browser, db, lastMailTo, linkIn, mailsTo, PASSWORD, signedInUser, visibleText } from './helpers'

// Support in reach: every mail can be answered, security
// mails say exactly what to do if it was not you, and the copy that says
// "write to support" names the address.

const SUPPORT = 'soporte@ecuabots.com' // SUPPORT_EMAIL's default

describe('support in reach', () => {
  it('every mail has the support address as its Reply-To', async () => {
    const { email } = await signedInUser()
    await new Browser().post('/password/forgot', { email })
    await new Browser().post('/login/email', { email })
    const tags = new Set(mailsTo(email).map((mail) => mail.tag))
    expect([...tags]).toEqual(expect.arrayContaining(['email-verification', 'password-reset', 'login-link']))
    for (const mail of mailsTo(email)) expect(mail.replyTo, mail.tag).toBe(SUPPORT)
  })

  it('"contraseña cambiada" and "nuevo inicio de sesión" say what to do if it was not you: a link that starts recovery, and whom to write to', async () => {
    const { browser, email } = await signedInUser({ name: 'Rosa <b>Ortiz</b>' })
    await new Browser().post('/login', { email, password: PASSWORD }) // a new device
    await browser.post('/profile', { name: 'Rosa <b>Ortiz</b>', password: 'nueva-clave-31', password_confirmation: 'nueva-clave-31' })
    for (const tag of ['new-sign-in', 'password-changed']) {
      const mail = lastMailTo(email, tag)
      expect(mail.text, tag).toContain('Si no fue usted, restablezca su contraseña ahora con este enlace')
      expect(linkIn(mail, '/password/forgot')).toBe('/password/forgot')
      expect(mail.text, tag).toContain(`escríbanos a ${SUPPORT}`)
      expect(mail.text.startsWith('Hola Rosa <b>Ortiz</b>:'), tag).toBe(true) // greeted by name, text as typed
      expect(mail.html, tag).toContain('Hola Rosa &lt;b&gt;Ortiz&lt;/b&gt;:') // and escaped in HTML
      expect(mail.html, tag).not.toContain('<b>Ortiz')
    }
  })

  it('the new-sign-in notice greets without a name when the account has none', async () => {
    const { email } = await signedInUser()
    await db.update(users).set({ name: '' }).where(eq(users.email, email))
    await new Browser().post('/login', { email, password: PASSWORD })
    expect(lastMailTo(email, 'new-sign-in').text.startsWith('Hola:')).toBe(true)
  })

  it('the bouncing-mail warning on the profile names the support address', async () => {
    const { browser, email } = await signedInUser()
    await db.update(users).set({ mailBouncedAt: Date.now(), mailBounceType: 'HardBounce' }).where(eq(users.email, email))
    const page = await browser.get('/profile')
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain(`escríbanos a ${SUPPORT}`)
  })
})
