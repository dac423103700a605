import { describe, expect, it } from 'vitest'
import { Browser, PASSWORD, signedInUser, visibleText } from './helpers'

/** The items of "Actividad de seguridad" on a Seguridad page, as visible text. */
function activityItems(html: string): string[] {
  const section = html.slice(html.indexOf('<section id="actividad"'))
  return section.slice(0, section.indexOf('</section>')).split('<li>').slice(1).map(visibleText)
}

describe('"Seguridad" lists the activity', () => {
  // 20 password sign-ins: seconds on a shared machine, past vitest's default 5 s.
  it('shows the 20 newest events, and not the older ones', { timeout: 30_000 }, async () => {
    const { browser, email } = await signedInUser() // "Correo electrónico confirmado", then the sign-in that followed
    // 20 more, from 20 other browsers (each its own address: no per-IP limit), all after those two.
    for (let i = 0; i < 20; i++) expect((await new Browser().post('/login', { email, password: PASSWORD })).status).toBe(303)
    const items = activityItems((await browser.get('/security')).text)
    expect(items).toHaveLength(20)
    expect(items.every((item) => item.startsWith('Inicio de sesión con contraseña'))).toBe(true)
    expect(items.join(' ')).not.toContain('Correo electrónico confirmado')
  })
})
