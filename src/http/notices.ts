import { t } from '../i18n'

/**
 * Messages shown after a redirect are chosen by a fixed key in the query
 * string (?aviso=…), never by text from the URL, so a link cannot make our
 * page say anything we did not write.
 */
const notices = {
  guardado: t.profile.saved,
  'sin-cambios': t.profile.unchanged,
  'identidad-confirmada': t.profile.identityConfirmed,
  'reescriba-contrasena': t.profile.retypeAfterReauth,
  'nombre-guardado': t.profile.nameSavedPasswordNot,
  'contrasena-cambiada': t.profile.passwordChanged,
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
} as const

export type NoticeKey = keyof typeof notices

/** The notice for `key`, if it is one this page itself redirects with (`only`): any other key in a link shows nothing. */
export function noticeFor(key: string | undefined, only?: readonly NoticeKey[]): string | undefined {
  if (!key || !Object.hasOwn(notices, key)) return undefined
  return !only || only.includes(key as NoticeKey) ? notices[key as NoticeKey] : undefined
}

export function withNotice(path: string, key: NoticeKey): string {
  return `${path}?aviso=${key}`
}

/** The query key of where to go on after a notice that asks to be read first (the reset's review): a place `nextFor` allows, nothing else. */
export const ONWARD_PARAM = 'continuar'
