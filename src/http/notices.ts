import type { Context } from 'hono'
import { MINUTE } from '../clock'
import { t } from '../i18n'
import { hostCookie } from './cookies'

/**
 * Messages shown after a redirect are chosen by a fixed key in the query
 * string (?aviso=…), never by text from the URL, so a link cannot make our
 * page say anything we did not write — and shown only to a browser that the
 * act itself sent there (noticeCookie), so a link cannot make our page say
 * "Sus cambios fueron guardados" where nothing was saved either.
 */
const notices = {
  guardado: t.profile.saved,
  'sin-cambios': t.profile.unchanged,
  'identidad-confirmada': t.profile.identityConfirmed,
  'reescriba-contrasena': t.profile.retypeAfterReauth,
  'nombre-guardado': t.profile.nameSavedPasswordNot,
  'contrasena-cambiada': t.profile.passwordChanged,
  'contrasena-elegida': t.profile.passwordChosen,
  'contrasena-restablecida': t.profile.passwordReset,
  verificado: t.profile.verified,
  'elija-contrasena': t.profile.choosePassword,
  'cree-contrasena': t.profile.createPassword,
  'sesion-cerrada': t.login.signedOut,
  'sesion-revocada': t.sessions.revoked,
  'otras-sesiones-cerradas': t.sessions.othersRevoked,
  'llave-agregada': t.passkeys.added,
  'llave-eliminada': t.passkeys.removed,
  'llave-renombrada': t.passkeys.renamed,
  'dos-pasos-desactivada': t.twoStep.turnedOff,
  'cambio-de-correo-cancelado': t.emailChange.cancelled,
} as const

export type NoticeKey = keyof typeof notices

/**
 * `__Host-aviso`: the key of the notice this browser was just sent to read,
 * set by the response that did what it reports. Anyone can type the URL;
 * only our own responses set this cookie. 15 minutes: the longest way to a
 * notice is "¿No la recuerda?" → the mailed link → back on the profile.
 */
const noticeCookie = hostCookie('aviso', 15 * MINUTE)

/**
 * The notice this request's `?aviso=` names, if it is one this page itself
 * redirects with (`only`) and this browser was sent here with it by the act
 * it reports (the cookie); said once, then forgotten. Any other link shows
 * nothing.
 */
export function noticeFor(c: Context, only?: readonly NoticeKey[]): string | undefined {
  const key = c.req.query('aviso')
  if (!key || !Object.hasOwn(notices, key)) return undefined
  if ((only && !only.includes(key as NoticeKey)) || noticeCookie.read(c) !== key) return undefined
  noticeCookie.clear(c)
  return notices[key as NoticeKey]
}

/** Where to send this browser after doing what `key` says: the page with `?aviso=key`, which that page says (once) because this response also sets the cookie. */
export function withNotice(c: Context, path: string, key: NoticeKey): string {
  noticeCookie.set(c, key)
  noticedHere.add(c)
  return `${path}?aviso=${key}`
}

/** The requests whose response sets a notice (withNotice), so forgetEarlierNotice leaves that one alone. */
const noticedHere = new WeakSet<Context>()

/**
 * A session begins, and will send the browser to `to`: a notice an earlier
 * response set and nobody read (a redirect not followed, a tab closed)
 * belonged to whoever was here before, and would otherwise greet the next
 * account at its ?aviso= link ("Su correo electrónico fue confirmado").
 * Kept: the one this response sets, and the one `to` itself is going to
 * say (set at the first step of a two-step sign-in, said after the second).
 */
export function forgetEarlierNotice(c: Context, to: string) {
  const held = noticeCookie.read(c)
  if (held === undefined || noticedHere.has(c) || noticeIn(to) === held) return
  noticeCookie.clear(c)
}

function noticeIn(to: string): string | null {
  try {
    return new URL(to, 'https://cuentas.invalid').searchParams.get('aviso')
  } catch {
    return null
  }
}

/** The query key of where to go on after a notice that asks to be read first (the reset's review): a place `nextFor` allows, nothing else. */
export const ONWARD_PARAM = 'continuar'
