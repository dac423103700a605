import { Hono, type Context } from 'hono'
import { hasPassword, updateProfile } from '../auth/accounts'
import { reauthenticate } from '../auth/authentication'
import { forgetDevices } from '../auth/sign-in'
import { checkName, normalizeName } from '../auth/names'
import { findLastPasswordChange, listRecentEvents, recordEvent } from '../auth/activity'
import { reviewOf } from '../auth/password-reset'
import { listPasskeys } from '../auth/passkeys'
import { checkNewPassword, hashPassword } from '../auth/passwords'
import { clearSessionCookie, deleteUserSession, deleteUserSessions, isFreshSession, listUserSessions } from '../auth/sessions'
import { clock } from '../clock'
import type { AppEnv } from '../env'
import { clientOf, describeDevice, knownDeviceOf } from '../http/client'
import { readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { t } from '../i18n'
import { passwordChangedMail, queueMail } from '../mail/messages'
import { ProfilePage, type ProfilePageProps } from '../../views/profile'
import { SecurityPage, type SecurityPageProps } from '../../views/security'
import type { ResetReviewProps } from '../../views/partials/reset-review'
import { EmailLoginSentPage } from '../../views/email-login'
import { sendAccessLink } from '../http/access-link'
import { forgetTyped, rememberTyped, typedOf } from '../http/typed'
import { noticeFor, withNotice } from './notices'
import type { PageReads } from '../middleware/session'

/** Mounted behind requireAuthentication: c.var.user and c.var.session are set. */
export const profileRoutes = new Hono<AppEnv>()

/** Read with the session, in the same D1 batch (see requireAuthentication): the lists the profile shows. */
export const profileReads: PageReads = (db, owner) => [listPasskeys(db, owner)]
/** "Seguridad" reads the sessions, the activity, and what a reset left (the review), in the same batch as the session. */
export const securityReads: PageReads = (db, owner) => [listUserSessions(db, owner), listRecentEvents(db, owner), listPasskeys(db, owner), findLastPasswordChange(db, owner)]

profileRoutes.get('/profile', (c) => {
  // A name typed before "¿No la recuerda?" sent an enlace de acceso comes
  // back here — only to the account that typed it (the draft is stored with
  // its address), never to another one signed in later in this browser.
  const typed = typedOf(c)
  const name = typed.email === c.var.user.email ? typed.name : undefined
  return c.html(profilePage(c, { notice: noticeFor(c.req.query('aviso')), name }))
})

profileRoutes.get('/security', (c) => {
  const [sessions, events, passkeys, lastChange] = c.var.pageData as [
    SecurityPageProps['sessions'],
    SecurityPageProps['events'],
    ResetReviewProps['passkeys'],
    { createdAt: number; detail: string | null }[],
  ]
  const page = { user: c.var.user, sessions, events, currentSessionId: c.var.session.id }
  const aviso = c.req.query('aviso')
  // The review's numbers come from the reset that started this very session, never from the URL:
  // the key only says where it is wanted, and another session (or account) gets no review.
  const closed = aviso === 'contrasena-restablecida' ? reviewOf(c.var.session, lastChange[0]) : null
  const review = closed && {
    closed,
    passkeys,
    thisDevice: describeDevice(c.var.session.userAgent),
    rpId: c.var.config.webauthn.rpId,
    userHandle: c.var.user.webauthnUserId,
  }
  return c.html(<SecurityPage {...page} review={review || undefined} notice={review || aviso === 'contrasena-restablecida' ? undefined : noticeFor(aviso)} />)
})

/**
 * "¿No la recuerda? Reciba un enlace de acceso": someone asked for a current
 * password they do not have. Mails an enlace de acceso for this account and
 * shows where to type its code; signing in with it comes back to the profile
 * on a fresh session, with the name typed so far (never the passwords).
 */
profileRoutes.post('/profile/reauth', async (c) => {
  const form = await readForm(c)
  const name = normalizeName(form.name)
  rememberTyped(c, { email: c.var.user.email, next: '/profile', name: checkName(name) ? undefined : name })
  await sendAccessLink(c, c.var.user.email, { fromForgot: false })
  return c.html(<EmailLoginSentPage email={c.var.user.email} />)
})

profileRoutes.post('/profile', async (c) => {
  const user = c.var.user
  const session = c.var.session
  const form = await readForm(c)
  const name = normalizeName(form.name)
  const password = form.password ?? ''
  const confirmation = form.password_confirmation ?? ''
  const changingPassword = Boolean(password || confirmation) // both blank = keep the current one

  const errors: ProfilePageProps['errors'] = {
    name: checkName(name),
    ...(changingPassword ? checkNewPassword(password, confirmation, { name, email: user.email }) : {}),
  }
  // Re-authentication: an old session must prove it still knows the password
  // before replacing it (a borrowed, unlocked laptop is not enough). Wrong
  // answers count like wrong sign-ins, so a stolen session cannot guess forever.
  let attemptKey: string | null = null
  const deviceHash = await knownDeviceOf(c)
  // No password yet (confirmed from another browser): nothing to re-enter, so only a fresh sign-in may set the first one.
  if (changingPassword && !hasPassword(user) && !isFreshSession(session) && !errors.password) errors.password = t.errors.firstPasswordNeedsFreshSignIn
  if (changingPassword && asksCurrentPassword(c) && !Object.values(errors).some(Boolean)) {
    const check = await reauthenticate(c.var.db, c.var.config.pepper, user, form.current_password ?? '', deviceHash)
    if (check.outcome === 'throttled') {
      securityLog(c, 'reauthentication', 'throttled')
      c.header('Retry-After', String(check.retryAfterSeconds))
      const minutes = Math.ceil(check.retryAfterSeconds / 60)
      return c.html(profilePage(c, { name, errors: { current_password: t.errors.currentPasswordThrottled(minutes) } }), 429)
    }
    if (check.outcome === 'failed') {
      securityLog(c, 'reauthentication', 'failed')
      await recordEvent(c.var.db, user.id, 'reauthentication_failed', clientOf(c))
      errors.current_password = t.errors.currentPasswordWrong
    } else attemptKey = check.attemptKey
  }
  if (Object.values(errors).some(Boolean)) return c.html(profilePage(c, { name, errors }), 422)

  const passwordHash = changingPassword ? await hashPassword(password, c.var.config.pepper) : undefined
  const mail = passwordChangedMail(c.var.config, { ...user, name }, clientOf(c), clock.now())
  const queued = await updateProfile(c.var.db, user, session.id, { name, passwordHash }, {
    client: clientOf(c),
    mail: (guard) => queueMail(c.var.db, c.var.config, mail, { when: guard }).insert,
    attemptKey,
    deviceHash,
  })
  // The password changed since this request read it (a reset elsewhere): nothing was written.
  if (!queued) return c.html(profilePage(c, { name, errors: { current_password: t.errors.passwordChangedMeanwhile } }), 409)
  forgetTyped(c)
  if (!changingPassword) return c.redirect(withNotice('/profile', 'guardado'), 303)
  securityLog(c, 'password_change', 'ok')
  c.executionCtx.waitUntil(c.var.outbox.send(...queued))
  return c.redirect(withNotice('/profile', 'contrasena-cambiada'), 303)
})

/** An account with a password asks for it after 10 minutes; one without (see confirmEmail) has nothing to ask. */
function asksCurrentPassword(c: Context<AppEnv>) {
  return hasPassword(c.var.user) && !isFreshSession(c.var.session)
}

// Revoking takes effect on the session's next request: the row is gone, so
// its cookie no longer resolves (see loadSession).
profileRoutes.post('/profile/sessions/:id/revoke', async (c) => {
  const user = c.var.user
  const [revoked] = await c.var.db.batch([
    deleteUserSession(c.var.db, user.id, c.req.param('id')),
    recordEvent(c.var.db, user.id, 'sessions_revoked', clientOf(c)),
  ])
  securityLog(c, 'session_revoke', revoked.length ? 'ok' : 'not_found')
  if (c.req.param('id') === c.var.session.id) {
    clearSessionCookie(c)
    return c.redirect(withNotice('/login', 'sesion-cerrada'), 303)
  }
  return c.redirect(`${withNotice('/security', 'sesion-revocada')}#sesiones`, 303)
})

profileRoutes.post('/profile/sessions/revoke-others', async (c) => {
  const user = c.var.user
  await c.var.db.batch([
    deleteUserSessions(c.var.db, user.id, c.var.session.id),
    forgetDevices(c.var.db, user.id, await knownDeviceOf(c)),
    recordEvent(c.var.db, user.id, 'sessions_revoked', clientOf(c)),
  ])
  securityLog(c, 'session_revoke', 'others')
  return c.redirect(`${withNotice('/security', 'otras-sesiones-cerradas')}#sesiones`, 303)
})

/** The profile with its passkeys, which requireAuthentication read with the session. */
function profilePage(c: Context<AppEnv>, props: Pick<ProfilePageProps, 'name' | 'errors' | 'notice'>) {
  const [passkeys] = c.var.pageData as [ProfilePageProps['passkeys']['passkeys']]
  return (
    <ProfilePage
      {...props}
      user={c.var.user}
      askCurrentPassword={asksCurrentPassword(c)}
      supportEmail={c.var.config.supportEmail}
      passkeys={{ passkeys, rpId: c.var.config.webauthn.rpId, userHandle: c.var.user.webauthnUserId, askCurrentPassword: asksCurrentPassword(c) }}
    />
  )
}
