import { describe, expect, it } from 'vitest'
import { safeNext } from '../src/http/forms'

// Where a sign-in may send the person afterwards (`next`): a few plain pages
// of this site. Everything else falls back to the profile.

const TOKEN = 'Zk9x_Q2mVb7Lr4Tn8Yc1Wd6Hs3Jf5Kp0Ae-Gu2Io7Xy' // 43 characters, like a real one

describe('safeNext', () => {
  it.each([
    ['/profile', '/profile'],
    ['/profile?x=1#sesiones', '/profile?x=1#sesiones'],
    ['/profile#sesiones', '/profile#sesiones'],
    ['/', '/'],
  ])('allows %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected)
  })

  it.each([
    // Open redirects
    '//evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    'https://evil.com',
    'javascript:alert(1)',
    '%2F%2Fevil.com',
    '/%2F%2Fevil.com',
    '/%2f%2fevil.com',
    '/%5Cevil.com',
    '/profile//evil.com',
    '/profile/../..//evil.com',
    // Token routes: a secret in the address bar
    `/login/email/${TOKEN}`,
    '/email/verify/x',
    '/password/reset/x',
    // Not pages
    '/logout',
    '/dev/mail',
    '/webhooks/postmark/bounce',
    '/validate/password',
    '/login',
    '/profilex',
    '/profile/sessions/x/revoke',
    // Control characters, spaces, non-ASCII
    '/profile\r\nSet-Cookie: x=1',
    '/profile\t',
    '/profile?x=1 2',
    '/profile?ñ',
    '',
    'profile',
    `/profile?${'x'.repeat(600)}`,
  ])('refuses %j', (next) => {
    expect(safeNext(next)).toBe('/profile')
  })

  it('falls back to the given page, or the profile when there is no next', () => {
    expect(safeNext('//evil.com', '/')).toBe('/')
    expect(safeNext(undefined)).toBe('/profile')
  })
})
