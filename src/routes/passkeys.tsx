import { Hono, type Context } from 'hono'
import { sendAfterResponse } from '../http/after-response'
import { hasPassword } from '../auth/accounts'
import { recordEvent } from '../auth/activity'
import { reauthenticate } from '../auth/authentication'
import { recordFailedPasskeySignIn, signInWithPasskey, startPasskeySignIn, verifyPasskeySignIn } from '../auth/passkey-sign-in'
import { checkPasskeyName, finishPasskeyRegistration, removePasskey, renamePasskey, startPasskeyRegistration, type PasskeyMail } from '../auth/passkeys'
import { isFreshSession } from '../auth/sessions'
import { refund } from '../auth/throttle'
import { clock } from '../clock'
import type { AppEnv } from '../env'
import { clientOf, knownDeviceOf } from '../http/requester'
import { forgetFlowsInProgress } from '../http/flows'
import { nextFor, readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { rememberedInputOf } from '../http/remembered-input'
import { beginSession, signInContext } from '../http/sign-in'
import { webauthnBrowserFor, webauthnBrowserOf } from '../http/webauthn-browser'
import { t } from '../i18n'
import { passkeyChangedMail, queueMail } from '../mail/messages'
import { MessagePage } from '../../views/message'
import { withNotice } from '../http/notices'

// The browser module (views/passkeys-script.ts) posts forms here and reads
// JSON back: the options for the browser's passkey dialog, then where to go.

/** Public: signing in with a passkey (/login). */
export const passkeySignInRoutes = new Hono<AppEnv>()

passkeySignInRoutes.post('/login/passkey/options', async (c) => c.json(await startPasskeySignIn(c.var.db, c.var.config, await webauthnBrowserFor(c))))

passkeySignInRoutes.post('/login/passkey', async (c) => {
  const form = await readForm(c)
  const checked = await verifyPasskeySignIn(c.var.db, c.var.config, form.credential, await webauthnBrowserOf(c))
  const signedIn = checked.outcome === 'ok' && (await signInWithPasskey(c.var.db, checked, await signInContext(c, 'passkey')))
  if (!signedIn || checked.outcome !== 'ok') {
    // One answer whichever check failed; the log says which.
    securityLog(c, 'sign_in', 'failed', { method: 'passkey', reason: checked.outcome === 'failed' ? checked.reason : 'count_raced' })
    const failure = checked.outcome === 'ok' ? { userId: checked.user.id, passkeyId: checked.passkey.id } : checked
    if (failure.userId && failure.passkeyId) await recordFailedPasskeySignIn(c.var.db, { userId: failure.userId, passkeyId: failure.passkeyId }, clientOf(c))
    return c.json({ error: t.passkeys.signInFailed }, 400)
  }
  return c.json({ redirect: beginSession(c, signedIn, nextFor(c, form.next ?? rememberedInputOf(c).next)) })
})

/** Behind requireAuthentication: the profile's "Llaves de acceso". */
export const passkeyRoutes = new Hono<AppEnv>()

passkeyRoutes.post('/profile/passkeys/options', async (c) => {
  const form = await readForm(c)
  const allowed = await mayAddPasskey(c, form.current_password ?? '')
  if ('error' in allowed) return c.json({ error: allowed.error, field: allowed.field }, allowed.status)
  return c.json(await startPasskeyRegistration(c.var.db, c.var.config, c.var.user, await webauthnBrowserFor(c), allowed.extra))
})

passkeyRoutes.post('/profile/passkeys', async (c) => {
  const form = await readForm(c)
  if (needsSecondStepFirst(c)) return c.json({ error: t.passkeys.needsSecondStep }, 403)
  const result = await finishPasskeyRegistration(c.var.db, c.var.config, c.var.user, {
    credential: form.credential,
    browserHash: await webauthnBrowserOf(c),
    client: clientOf(c),
    mail: passkeyMail(c, 'added'),
    sessionId: c.var.session.id,
  })
  if (result.outcome === 'failed') return registrationFailed(c, result.reason)
  securityLog(c, 'passkey_add', 'ok')
  sendAfterResponse(c, result.queued)
  return c.json({ redirect: `${withNotice(c, '/profile', 'llave-agregada')}#llaves` })
})

passkeyRoutes.post('/profile/passkeys/:id/rename', async (c) => {
  const { name, valid } = checkPasskeyName((await readForm(c)).name)
  if (!valid) return c.html(<MessagePage title={t.passkeys.title} body={t.passkeys.nameInvalid} links={backToList} user={c.var.user} />, 422)
  await renamePasskey(c.var.db, c.var.user.id, c.req.param('id'), name, { sessionId: c.var.session.id })
  return c.redirect(`${withNotice(c, '/profile', 'llave-renombrada')}#llaves`, 303)
})

// Removing asks nothing beyond the session rules: it can only take a way in away.
passkeyRoutes.post('/profile/passkeys/:id/delete', async (c) => {
  const removed = await removePasskey(c.var.db, c.var.user, c.req.param('id'), clientOf(c), passkeyMail(c, 'removed'), { sessionId: c.var.session.id })
  securityLog(c, 'passkey_remove', removed ? 'ok' : 'not_found')
  if (removed) sendAfterResponse(c, removed.queued)
  return c.redirect(`${withNotice(c, '/profile', 'llave-eliminada')}#llaves`, 303)
})

/** One answer whichever check failed (the log says which), but for a session closed meanwhile. */
function registrationFailed(c: Context<AppEnv>, reason: string) {
  securityLog(c, 'passkey_add', 'failed', { reason })
  if (reason !== 'session_gone') return c.json({ error: t.passkeys.registerFailed }, 400)
  // Closed while this request ran (a reset elsewhere): as requireAuthentication answers a closed session.
  forgetFlowsInProgress(c)
  return c.redirect(`/login?next=${encodeURIComponent('/profile')}`, 303)
}

const backToList = [{ href: '/profile#llaves', label: t.passkeys.title }]

/**
 * Adding a way in needs what a password change needs: a session younger
 * than 10 minutes, or the current password, counted against the same
 * per-account limit as sign-in (429 past it) and given back in the batch
 * that issues the challenge. An account without a password must sign in
 * again. The challenge then carries the permission: it is bound to this
 * account and browser and lives 5 minutes.
 */
/** The profile's field the script focuses when the answer is about it (views/passkeys-script.ts). */
const CURRENT = 'current_password'

async function mayAddPasskey(c: Context<AppEnv>, password: string) {
  // A passkey signs in with no code: with two-step on, only a session that
  // proved a code may add one (not one that predates two-step, however fresh).
  if (needsSecondStepFirst(c)) return { error: t.passkeys.needsSecondStep, field: undefined, status: 403 as const }
  if (isFreshSession(c.var.session)) return { extra: [] }
  if (!hasPassword(c.var.user)) return { error: t.passkeys.signInAgain, field: undefined, status: 403 as const }
  // Nothing typed is not an attempt: the form simply asks for it.
  if (!password) return { error: t.passkeys.addPassword, field: CURRENT, status: 422 as const }
  const check = await reauthenticate(c.var.db, c.var.config.passwords, c.var.user, password, await knownDeviceOf(c))
  if (check.outcome === 'throttled') {
    securityLog(c, 'reauthentication', 'throttled')
    c.header('Retry-After', String(check.retryAfterSeconds))
    return { error: t.errors.currentPasswordThrottled(Math.ceil(check.retryAfterSeconds / 60)), field: CURRENT, status: 429 as const }
  }
  if (check.outcome === 'failed') {
    securityLog(c, 'reauthentication', 'failed')
    await recordEvent(c.var.db, c.var.user.id, 'reauthentication_failed', clientOf(c))
    return { error: t.errors.currentPasswordWrong, field: CURRENT, status: 422 as const }
  }
  return { extra: [refund(c.var.db, check.attemptKey)] }
}

/** Two-step is on and this session proved only one factor (it predates two-step, or began before a code was asked). */
function needsSecondStepFirst(c: Context<AppEnv>) {
  return c.var.user.twoStepSecret !== null && c.var.session.aal < 2
}

function passkeyMail(c: Context<AppEnv>, change: 'added' | 'removed'): PasskeyMail {
  return (name, guard) => queueMail(c.var.db, c.var.config, passkeyChangedMail(c.var.config, c.var.user, change, name, clientOf(c), clock.now()), { when: guard }).insert
}
