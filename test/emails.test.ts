import { describe, expect, it } from 'vitest'
import { checkEmail, mailboxOf, normalizeEmail } from '../src/addresses/email'
import { Browser, lastMailTo, linkIn, mailsTo, PASSWORD, uniqueEmail, visibleText } from './helpers'

/** What a form does with the field: normalise, then check. */
const verdict = (raw: string) => checkEmail(normalizeEmail(raw))

describe('an email address is one plain local@domain', () => {
  it('accepts ordinary addresses, written in any case and with spaces around', () => {
    for (const raw of ['ana@example.com', '  Ana.Perez@Empresa.EC ', "o'brien@example.com", 'ana+crm@gmail.com', 'josé@correo.ec', 'a@b.co']) {
      expect(verdict(raw), raw).toBeUndefined()
    }
    expect(normalizeEmail('  Ana.Perez@Empresa.EC ')).toBe('ana.perez@empresa.ec')
  })

  it('refuses what a mail client shows around an address: names, <brackets>, quotes, comments, groups, lists', () => {
    const pasted = [
      'x<alice@example.com>',
      'Alice <alice@example.com>',
      '"soporte"<alice@example.com>',
      '"alice"@example.com',
      'alice@example.com(1)',
      '(comentario)alice@example.com',
      'grp:alice@example.com;',
      'alice@example.com, bob@example.com',
      'alice@example.com;',
      'alice @example.com',
    ]
    for (const raw of pasted) expect(verdict(raw), raw).toBe('Escriba solo la dirección de correo, por ejemplo nombre@empresa.com, sin nombre, espacios, comillas, paréntesis ni signos como < > , ; o :.')
  })

  it('refuses malformed domains and local parts', () => {
    const malformed = [
      'alice@example.com.',
      'alice@example..com',
      'alice@.example.com',
      'alice@example',
      'alice@-example.com',
      'alice@example-.com',
      'alice@1.2.3.4',
      'alice@[1.2.3.4]',
      'alice@@example.com',
      'alice@exa@mple.com',
      '.alice@example.com',
      'alice.@example.com',
      'al..ice@example.com',
      '@example.com',
      'alice',
      `${'a'.repeat(65)}@example.com`,
      `alice@${'a'.repeat(64)}.com`,
    ]
    for (const raw of malformed) expect(verdict(raw), raw).toBe('Ingrese un correo electrónico válido, por ejemplo nombre@empresa.com.')
  })

  it('refuses control and invisible characters', () => {
    for (const raw of ['alice@example.com\r\nBcc: x@y.com', 'ali\u0000ce@example.com', 'ali\u200Bce@example.com', 'alice@exa\u202Emple.com']) {
      expect(verdict(raw), JSON.stringify(raw)).toBeDefined()
    }
  })

  it('asks for an address when the field is empty', () => {
    expect(verdict('   ')).toBe('Ingrese su correo electrónico.')
    expect(verdict(undefined as unknown as string)).toBe('Ingrese su correo electrónico.')
  })

  it('folds decomposed accents (NFD) into the composed spelling: one address, one account', () => {
    expect(normalizeEmail('jose\u0301@correo.ec')).toBe('jos\u00e9@correo.ec')
    expect(normalizeEmail('JOSE\u0301@correo.ec')).toBe(normalizeEmail('josé@correo.ec'))
  })

  it('never normalises an input longer than an address can be, and always refuses it', () => {
    const huge = '\uFDFA'.repeat(1_000_000)
    const normalized = normalizeEmail(huge)
    expect(normalized).toBe(huge.slice(0, 255)) // cut, not expanded 18× by NFKC/NFC
    expect(checkEmail(normalized)).toBe('Ingrese un correo electrónico válido, por ejemplo nombre@empresa.com.')
    expect(verdict(`${'a'.repeat(250)}@example.com`)).toBeDefined()
  })
})

describe('mailboxOf: the inbox an address reaches, for mail budgets and sign-in counters', () => {
  it('drops a +tag on any domain', () => {
    expect(mailboxOf('ana+1@example.com')).toBe('ana@example.com')
    expect(mailboxOf('ana+2@example.com')).toBe(mailboxOf('ana@example.com'))
  })

  it('Ana+x@Gmail.com and a.n.a@googlemail.com are the same mailbox as ana@gmail.com', () => {
    expect(mailboxOf('Ana+x@Gmail.com')).toBe('ana@gmail.com')
    expect(mailboxOf('a.n.a@googlemail.com')).toBe('ana@gmail.com')
    expect(mailboxOf('A.N.A+crm@GMAIL.COM')).toBe('ana@gmail.com')
  })

  it('keeps the dots for other domains, where they may be different people', () => {
    expect(mailboxOf('a.na@example.com')).toBe('a.na@example.com')
    expect(mailboxOf('a.na@example.com')).not.toBe(mailboxOf('ana@example.com'))
  })

  it('folds case and decomposed accents', () => {
    expect(mailboxOf('JOSE\u0301@Correo.EC')).toBe('jos\u00e9@correo.ec')
  })

  it('does not change the address that is stored and mailed', () => {
    expect(normalizeEmail('Ana+crm@Gmail.com')).toBe('ana+crm@gmail.com')
  })
})

describe('sign-up: a second spelling of an existing address is not a second account', () => {
  it('x<alice@…>, "soporte"<alice@…>, alice@….,  alice@…(1), grp:alice@…; get the address error (422), not "check your mail"', async () => {
    const alice = uniqueEmail('alice')
    const first = await new Browser().post('/signup', { name: 'Alice', email: alice, password: PASSWORD, password_confirmation: PASSWORD })
    expect(first.status).toBe(200)
    for (const spelling of [`x<${alice}>`, `"soporte"<${alice}>`, `${alice}.`, `${alice}(1)`, `grp:${alice};`]) {
      const page = await new Browser().post('/signup', { name: 'Alice', email: spelling, password: PASSWORD, password_confirmation: PASSWORD })
      expect(page.status, spelling).toBe(422)
      expect(page.text).toMatch(/<p class="error" id="email-error">(Escriba solo la dirección|Ingrese un correo electrónico válido)/)
      expect(visibleText(page.text)).not.toContain('Revise su bandeja de entrada')
    }
    expect(mailsTo(alice).map((mail) => mail.tag)).toEqual(['email-verification'])
  })

  it('a decomposed (NFD) spelling reaches the existing account: same answer on screen, a note to its owner', async () => {
    const composed = `jos\u00e9-${crypto.randomUUID().slice(0, 8)}@example.com`
    await new Browser().post('/signup', { name: 'José', email: composed, password: PASSWORD, password_confirmation: PASSWORD })
    // Confirmed: a repeat sign-up of an unconfirmed account re-sends its confirmation instead (signup-answer.test.ts).
    await new Browser().post(linkIn(lastMailTo(composed, 'email-verification'), '/email/verify/'))
    const page = await new Browser().post('/signup', {
      name: 'José',
      email: composed.normalize('NFD'),
      password: PASSWORD,
      password_confirmation: PASSWORD,
    })
    expect(page.status).toBe(200)
    expect(visibleText(page.text)).toContain('Revise su bandeja de entrada')
    expect(lastMailTo(composed).tag).toBe('account-exists')
  })
})
