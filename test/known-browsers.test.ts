import { describe, expect, it } from 'vitest'
import { Browser, mailsTo, PASSWORD, signedInUser } from './helpers'

// A browser that has signed in to an account is "known": it gets its own
// password counter and mail budget, and signing in from it again sends no
// "nuevo inicio de sesión" mail. A password change and "Cerrar todas las
// demás sesiones" forget every known browser but the one that asked, so a
// browser the owner no longer trusts is a stranger again. Seen from outside:
// its next sign-in mails the owner.

const NEW_PASSWORD = 'otra-clave-segura-2'

/** The owner on her laptop, and a phone that has signed in too (known, so its sign-ins mail nothing more). */
async function ownerWithPhone() {
  const owner = await signedInUser()
  const phone = new Browser()
  expect((await phone.post('/login', { email: owner.email, password: PASSWORD })).status).toBe(303)
  expect(mailsTo(owner.email, 'new-sign-in')).toHaveLength(1)
  expect((await phone.post('/login', { email: owner.email, password: PASSWORD })).status).toBe(303)
  expect(mailsTo(owner.email, 'new-sign-in')).toHaveLength(1) // known: no notice
  return { ...owner, phone }
}

describe('changing what lets someone in forgets the other known browsers', () => {
  it('after a password change on the profile, the phone signing in again is a new device: the owner is mailed', async () => {
    const { browser: laptop, email, phone } = await ownerWithPhone()
    const changed = await laptop.post('/profile', { name: 'Ana Pérez', password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD })
    expect(changed.status).toBe(303)
    expect((await phone.post('/login', { email, password: NEW_PASSWORD })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(2)
  })

  it('after "Cerrar todas las demás sesiones", the phone signing in again is a new device: the owner is mailed', async () => {
    const { browser: laptop, email, phone } = await ownerWithPhone()
    expect((await laptop.post('/profile/sessions/revoke-others')).status).toBe(303)
    expect((await phone.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(2)
  })

  it('the browser that asked stays known: signing in there again mails nothing', async () => {
    const { browser: laptop, email } = await ownerWithPhone()
    expect((await laptop.post('/profile/sessions/revoke-others')).status).toBe(303)
    await laptop.post('/logout')
    expect((await laptop.post('/login', { email, password: PASSWORD })).status).toBe(303)
    expect(mailsTo(email, 'new-sign-in')).toHaveLength(1)
  })
})
