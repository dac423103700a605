import { Hono, type Context } from 'hono'
import { sendAfterResponse, sendEventsAfterResponse } from '../http/after-response'
import { closeOtherSessions, hasPassword, updateProfile } from '../auth/accounts'
import { checkName, normalizeName } from '../auth/names'
import { findLastPasswordChange, listRecentEvents } from '../auth/activity'
import { reviewOf } from '../auth/password-reset'
import { listPasskeys } from '../auth/passkeys'
import { countUnusedRecoveryCodes } from '../auth/recovery-codes'
import { hasTwoStep } from '../auth/two-step'
import { listPendingEmailChanges } from '../auth/email-change'
import { checkNewPassword, hashPassword } from '../auth/passwords'
import { clearSessionCookie, setSessionCookie, signedOutMeanwhile } from '../http/session'
import { closeUserSession, isFreshSession, listUserSessions } from '../auth/sessions'
import { forgetFlowsInProgress } from '../http/flows'
import { asksCurrentPassword, confirmRecentSignIn } from '../http/recent-sign-in'
import { clock } from '../clock'
import type { AppEnv } from '../env'
import { clientOf, knownDeviceOf } from '../http/requester'
import { describeDevice } from '../i18n/devices'
import { readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { t } from '../i18n'
import { passwordChangedMail, queueMail } from '../mail/messages'
import { ProfilePage, type ProfilePageProps } from '../../views/profile-page'
import { SecurityPage } from '../../views/security-page'
import type { TwoStepError } from '../../views/partials/two-step-section'
import type { AccountSectionProps } from '../../views/partials/account-section'
import { ReauthSentPage } from '../../views/access-link-pages'
import { sendAccessLink } from '../http/access-link-request'
import { forgetRememberedInput, onwardAfterReview, rememberInput, rememberedInputOf } from '../http/remembered-input'
import { noticeFor, ONWARD_PARAM, withNotice } from '../http/notices'
import { pageDataOf, type PageReads } from '../middleware/require-authentication'

/** Mounted behind requireAuthentication: c.var.user and c.var.session are set. */
export const profileRoutes = new Hono<AppEnv>()

/** What each page says after the acts that redirect to it (see noticeFor): nothing else, whatever a link asks. */
const PROFILE_NOTICES = ['guardado', 'sin-cambios', 'nombre-guardado', 'contrasena-cambiada', 'contrasena-elegida', 'identidad-confirmada', 'reescriba-contrasena', 'verificado', 'elija-contrasena', 'cree-contrasena', 'llave-agregada', 'llave-renombrada', 'llave-eliminada'] as const
const SECURITY_NOTICES = ['sesion-revocada', 'otras-sesiones-cerradas', 'dos-pasos-desactivada', 'cambio-de-correo-cancelado'] as const

/** Read with the session, in the same D1 batch (see requireAuthentication): the lists the profile shows. */
export const profileReads = (({ db, add }, account) => {
  const passkeys = add(listPasskeys(db, account))
  return (done) => ({ passkeys: done.of(passkeys) })
}) satisfies PageReads
/** "Seguridad" reads the sessions, the activity, and what a reset left (the review), in the same batch as the session. */
export const securityReads = (({ db, add }, account) => {
  const steps = {
    sessions: add(listUserSessions(db, account)),
    events: add(listRecentEvents(db, account)),
    passkeys: add(listPasskeys(db, account)),
    lastChange: add(findLastPasswordChange(db, account)),
    codesLeft: add(countUnusedRecoveryCodes(db, account)),
    emailChanges: add(listPendingEmailChanges(db, account)),
  }
  return (done) => ({
    sessions: done.of(steps.sessions),
    events: done.of(steps.events),
    passkeys: done.of(steps.passkeys),
    lastChange: done.of(steps.lastChange),
    codesLeft: done.of(steps.codesLeft)[0]?.count ?? 0,
    emailChanges: done.of(steps.emailChanges),
  })
}) satisfies PageReads

profileRoutes.get('/profile', (c) => {
  // A name typed before "¿No la recuerda?" sent an enlace de acceso comes
  // back here — only to the account that typed it (the draft is stored with
  // its address), never to another one signed in later in this browser.
  const remembered = rememberedInputOf(c)
  const name = remembered.email === c.var.user.email ? remembered.name : undefined
  return c.html(profilePage(c, { notice: noticeFor(c, PROFILE_NOTICES), name }))
})

profileRoutes.get('/security', (c) => c.html(securityPage(c, { aviso: c.req.query('aviso'), onward: c.req.query(ONWARD_PARAM) })))

/**
 * "¿No la recuerda? Reciba un enlace de acceso": someone asked for a current
 * password they do not have. Mails an enlace de acceso for this account and
 * shows where to type its code; signing in with it comes back to the profile
 * on a fresh session, with the name typed so far (never the passwords).
 */
profileRoutes.post('/profile/reauth', async (c) => {
  const form = await readForm(c)
  const name = normalizeName(form.name)
  // From Seguridad's "Cerrar todas las demás sesiones", back there; else to the profile.
  const back = form.back === 'security' ? '/security' : '/profile'
  // Passwords are never carried: back on the profile, the page says to type the new one again.
  const typedPassword = Boolean(form.password || form.password_confirmation)
  const landing = back === '/profile' ? withNotice(c, back, typedPassword ? 'reescriba-contrasena' : 'identidad-confirmada') : back
  rememberInput(c, { email: c.var.user.email, next: landing, name: checkName(name) ? undefined : name })
  await sendAccessLink(c, c.var.user.email, { fromForgot: false, whileSessionOpen: { userId: c.var.user.id, sessionId: c.var.session.id } })
  return c.html(<ReauthSentPage user={c.var.user} back={back} />)
})

profileRoutes.post('/profile', async (c) => {
  const form = await readForm(c)
  const name = normalizeName(form.name)
  const password = form.password ?? ''
  // Both blank keeps the current one; an account without one must choose it before anything else is saved.
  const changingPassword = Boolean(password || form.password_confirmation) || !hasPassword(c.var.user)
  const checked = await checkProfileForm(c, form, name, changingPassword)
  if (!checked.ok) return c.html(profilePage(c, { name, errors: checked.errors }), checked.status)
  if (!changingPassword && name === c.var.user.name) return c.redirect(withNotice(c, '/profile', 'sin-cambios'), 303) // not "guardados"
  const saved = await saveProfile(c, name, changingPassword ? password : null, checked.attemptKey)
  // The password changed, or this session was closed, since this request read it (a reset elsewhere): nothing was written.
  if (!saved) return c.html(profilePage(c, { name, errors: retypeAfter(form, { current_password: t.errors.passwordChangedMeanwhile }) }), 409)
  forgetRememberedInput(c)
  // A current password typed without a new one: the name was saved, and the page says the password was not.
  if (!changingPassword) return c.redirect(withNotice(c, '/profile', form.current_password ? 'nombre-guardado' : 'guardado'), 303)
  if (saved.sessionToken) setSessionCookie(c, saved.sessionToken)
  securityLog(c, 'password_change', 'ok')
  sendAfterResponse(c, saved.queued, saved.events)
  return c.redirect(withNotice(c, '/profile', passwordSavedNotice(c.var.user)), 303)
})

/**
 * An account confirmed on another device had no password: its first one was
 * chosen, not changed. `user` is the account as this request read it, before
 * the save.
 */
function passwordSavedNotice(user: Parameters<typeof hasPassword>[0]) {
  return hasPassword(user) ? 'contrasena-cambiada' : 'contrasena-elegida'
}

/**
 * The profile form's errors, under their fields. An old session must prove
 * it still knows the password before replacing it (see
 * confirmRecentSignIn); asked only once the new one is acceptable. Past the
 * attempt limit, only that (429). `attemptKey` gives a right answer back in
 * the batch that saves. A current password typed alone, with the name
 * unchanged, changes nothing: the person meant a new password and is told
 * where to type it.
 */
async function checkProfileForm(c: Context<AppEnv>, form: Record<string, string>, name: string, changingPassword: boolean) {
  const errors: ProfilePageProps['errors'] = {
    name: checkName(name),
    ...(changingPassword ? checkNewPassword(form.password ?? '', form.password_confirmation ?? '', { name, email: c.var.user.email }) : {}),
  }
  if (!changingPassword && form.current_password && name === c.var.user.name) errors.password = t.errors.newPasswordMissing
  let attemptKey: string | null = null
  if (changingPassword && !Object.values(errors).some(Boolean)) {
    const check = await confirmRecentSignIn(c, form.current_password ?? '', t.errors.firstPasswordNeedsFreshSignIn)
    if (!check.ok && check.status === 429) return { ok: false as const, errors: { current_password: check.error }, status: 429 as const }
    if (!check.ok) errors[check.field] = check.error
    else attemptKey = check.attemptKey
  }
  if (Object.values(errors).some(Boolean)) return { ok: false as const, errors: retypeAfter(form, errors), status: 422 as const }
  return { ok: true as const, attemptKey }
}

/**
 * Passwords are never written back into a page, so a form that comes back
 * says which of the password fields that were filled in must be typed
 * again (each keeps its own error if it has one). The new password is the
 * first field marked and the one focused: when the current password was the
 * cause, its message says so, since the cause is further down the form.
 */
function retypeAfter(form: Record<string, string>, errors: NonNullable<ProfilePageProps['errors']>) {
  const again = { ...errors }
  if (form.password && !again.password) again.password = errors.current_password ? t.errors.retypeNewPasswordCurrentRefused : t.errors.retypeNewPassword
  if (form.password_confirmation && !again.password_confirmation) again.password_confirmation = t.errors.retypeConfirmation
  if (form.current_password && !again.current_password) again.current_password = t.errors.retypeCurrent
  return again
}

/** Saves the name and, if given, the new password (see updateProfile), with the "contraseña cambiada" notice ready to queue. */
async function saveProfile(c: Context<AppEnv>, name: string, password: string | null, attemptKey: string | null) {
  const user = c.var.user
  const passwordHash = password !== null ? await hashPassword(password, c.var.config.passwords) : undefined
  const mail = passwordChangedMail(c.var.config, { ...user, name }, clientOf(c), clock.now())
  return updateProfile(c.var.db, user, c.var.session.id, { name, passwordHash }, {
    client: clientOf(c),
    mail: (guard) => queueMail(c.var.db, c.var.config, mail, { when: guard }).insert,
    attemptKey,
    deviceHash: await knownDeviceOf(c),
  })
}

// Revoking takes effect on the session's next request: the row is gone, so
// its cookie no longer resolves (see loadSession).
//
// Closing a session is always allowed (it only takes access away), but
// forgetting its browser strips the owner's own counters from it: only a
// session that would pass confirmRecentSignIn without a password (signed
// in less than 10 minutes ago) does that here. Otherwise a stale stolen
// session could close her sessions one by one and lock her browsers out,
// skipping the gate on "Cerrar todas las demás sesiones", which forgets
// them after the current password. Closing this session ("Cerrar sesión
// aquí") stays ungated, and forgets the browser only when the one asking
// is the one the session started in: a copied session cookie alone must
// not make the owner's own browser a stranger.
profileRoutes.post('/profile/sessions/:id/revoke', async (c) => {
  const id = c.req.param('id')
  const here = id === c.var.session.id
  const forgetsBrowser = here ? (await knownDeviceOf(c)) === c.var.session.deviceHash : isFreshSession(c.var.session)
  // Recorded and forgotten while the row still exists: made-up ids write nothing.
  const revoked = await closeUserSession(c.var.db, c.var.user.id, id, clientOf(c), forgetsBrowser, { sessionId: c.var.session.id })
  securityLog(c, 'session_revoke', revoked ? 'ok' : 'not_found')
  if (revoked) sendEventsAfterResponse(c, revoked.events)
  if (here) {
    clearSessionCookie(c)
    forgetFlowsInProgress(c)
    return c.redirect(withNotice(c, '/login', 'sesion-cerrada'), 303)
  }
  return c.redirect(`${withNotice(c, '/security', 'sesion-revocada')}#sesiones`, 303)
})

// Closing every other session also forgets every other browser of the
// owner: asked of an old session, like a password change, so a stolen
// cookie cannot lock the owner's own browsers out of their own counters.
profileRoutes.post('/profile/sessions/revoke-others', async (c) => {
  const form = await readForm(c)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.errors.closeOthersNeedsFreshSignIn)
  if (!check.ok) return c.html(securityPage(c, { error: check.error }), check.status)
  const closed = await closeOtherSessions(c.var.db, c.var.user.id, c.var.session.id, {
    deviceHash: await knownDeviceOf(c),
    client: clientOf(c),
    attemptKey: check.attemptKey,
  })
  // This session was closed while the request ran (a reset elsewhere): nothing was done.
  if (!closed) return signedOutMeanwhile(c)
  setSessionCookie(c, closed.token)
  sendEventsAfterResponse(c, closed.events)
  securityLog(c, 'session_revoke', 'others')
  return c.redirect(`${withNotice(c, '/security', 'otras-sesiones-cerradas')}#sesiones`, 303)
})

/** "Seguridad": the sessions and the activity, which requireAuthentication read with the session. `twoStepError` goes to the two-step form that failed. */
export function securityPage(
  c: Context<AppEnv>,
  props: { aviso?: string; onward?: string; error?: string; twoStepError?: TwoStepError; account?: Pick<AccountSectionProps, 'data' | 'deletion'> },
) {
  const { sessions, events, passkeys, lastChange, codesLeft, emailChanges } = pageDataOf(c, securityReads)
  // The review's numbers come from the reset that started this very session, never from the URL:
  // the key only says where it is wanted, and another session (or account) gets no review.
  const closed = props.aviso === 'contrasena-restablecida' ? reviewOf(c.var.session, lastChange[0]) : null
  const review = closed
    ? { closed, passkeys, thisDevice: describeDevice(c.var.session.userAgent), rpId: c.var.config.webauthn.rpId, userHandle: c.var.user.webauthnUserId, onward: onwardAfterReview(c, props.onward) ?? undefined }
    : undefined
  const notice = review || props.aviso === 'contrasena-restablecida' ? undefined : noticeFor(c, SECURITY_NOTICES)
  const revokeOthers = { askCurrentPassword: asksCurrentPassword(c), asksFreshSignIn: !hasPassword(c.var.user) && !isFreshSession(c.var.session), error: props.error }
  const account = { email: c.var.user.email, askCurrentPassword: asksCurrentPassword(c), asksFreshSignIn: revokeOthers.asksFreshSignIn, ...props.account }
  const twoStep = { on: hasTwoStep(c.var.user), codesLeft, askCurrentPassword: asksCurrentPassword(c), error: props.twoStepError }
  return (
    <SecurityPage user={c.var.user} sessions={sessions} events={events} currentSessionId={c.var.session.id} notice={notice} review={review} revokeOthers={revokeOthers} twoStep={twoStep} pendingEmailChanges={emailChanges} account={account} timeZone={clientOf(c).timeZone} />
  )
}

/** The profile with its passkeys, which requireAuthentication read with the session. */
function profilePage(c: Context<AppEnv>, props: Pick<ProfilePageProps, 'name' | 'errors' | 'notice'>) {
  const { passkeys } = pageDataOf(c, profileReads)
  return (
    <ProfilePage
      {...props}
      user={c.var.user}
      needsPassword={!hasPassword(c.var.user)}
      askCurrentPassword={asksCurrentPassword(c)}
      supportEmail={c.var.config.supportEmail}
      passkeys={{ passkeys, rpId: c.var.config.webauthn.rpId, userHandle: c.var.user.webauthnUserId, timeZone: clientOf(c).timeZone }}
    />
  )
}
