import { Hono, type Context } from 'hono'
import { hasFirstStep } from '../auth/first-step'
import { checkSecondFactorCounted, passSecondStep } from '../auth/second-step'
import { hasTwoStep, pendingTwoStepSecret, renewRecoveryCodes, startTwoStepSetup, turnOffTwoStep, turnOnTwoStep } from '../auth/two-step'
import { secretForTyping, totpKeyUri } from '../auth/totp'
import type { AppEnv } from '../env'
import { sendAfterResponse } from '../http/after-response'
import { firstStepCookie } from '../http/first-step-cookie'
import { nextFor, readForm } from '../http/forms'
import { securityLog } from '../http/log'
import { withNotice } from '../http/notices'
import { qrCodeImage } from '../http/qr-code'
import { confirmRecentSignIn } from '../http/recent-sign-in'
import { clientOf, deviceOf, knownDeviceOf } from '../http/requester'
import { beginSession, signInContext } from '../http/sign-in'
import { t } from '../i18n'
import { RecoveryCodesPage, SecondStepPage, TwoStepSetupPage } from '../../views/two-step-pages'
import type { TwoStepError } from '../../views/partials/two-step-section'
import { securityPage } from './profile'

/** A code or recovery code is short; anything longer is refused before any work. */
const MAX_CODE_INPUT = 40
const typedCode = (form: Record<string, string>) => (form.code ?? '').slice(0, MAX_CODE_INPUT)

/** Sign-in's second step: public (no session yet), read only with the first step's cookie. */
export const secondStepRoutes = new Hono<AppEnv>()

secondStepRoutes.get('/login/two-step', async (c) => {
  const next = nextFor(c, c.req.query('next'), '') || undefined
  if (!(await hasFirstStep(c.var.db, firstStepCookie.read(c), await deviceOf(c)))) return firstStepEnded(c)
  return c.html(<SecondStepPage next={next} supportEmail={c.var.config.supportEmail} />)
})

secondStepRoutes.post('/login/two-step', async (c) => {
  const form = await readForm(c)
  const held = { token: firstStepCookie.read(c), deviceHash: await deviceOf(c) }
  const answer = { code: typedCode(form), rememberHere: form.remember === '1' }
  const result = await passSecondStep(c.var.db, c.var.config, held, answer, (method) => signInContext(c, method))
  if (result.outcome === 'expired') return firstStepEnded(c)
  const page = { next: form.next ? nextFor(c, form.next) : undefined, supportEmail: c.var.config.supportEmail }
  if (result.outcome === 'throttled') {
    c.header('Retry-After', String(result.retryAfterSeconds))
    securityLog(c, 'second_step', 'throttled')
    return c.html(<SecondStepPage {...page} error={t.twoStep.throttled(Math.ceil(result.retryAfterSeconds / 60))} />, 429)
  }
  if (result.outcome === 'wrong') {
    securityLog(c, 'second_step', 'failed')
    sendAfterResponse(c, result.queued)
    return c.html(<SecondStepPage {...page} error={t.twoStep.wrongCode} />, 422)
  }
  firstStepCookie.clear(c)
  return c.redirect(beginSession(c, result.signedIn, nextFor(c, form.next)), 303)
})

/** No first step held here (never, expired, spent, too many tries, another browser's): sign in again. */
function firstStepEnded(c: Context<AppEnv>) {
  firstStepCookie.clear(c)
  return c.html(<SecondStepPage expired supportEmail={c.var.config.supportEmail} />, 410)
}

/** Seguridad's "Verificación en dos pasos". Mounted behind requireAuthentication. */
export const twoStepRoutes = new Hono<AppEnv>()

twoStepRoutes.post('/security/two-step/setup', async (c) => {
  const form = await readForm(c)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.errors.firstPasswordNeedsFreshSignIn)
  if (!check.ok) return c.html(securityPage(c, { twoStepError: { form: 'setup', field: 'current_password', message: check.error } }), check.status)
  const secret = await startTwoStepSetup(c.var.db, c.var.config, c.var.user.id)
  if (!secret) return c.html(securityPage(c, { twoStepError: { form: 'setup', message: t.twoStep.noKey } }), 409)
  return c.html(setupPage(c, secret))
})

// A reload of the set-up page, or coming back to it from the authenticator app: the same secret again
// (a new one would not match what the app just saved), or Seguridad when none is being set up.
twoStepRoutes.get('/security/two-step/setup', async (c) => {
  const secret = await pendingTwoStepSecret(c.var.config, c.var.user)
  return secret && !hasTwoStep(c.var.user) ? c.html(setupPage(c, secret)) : c.redirect('/security#dos-pasos', 303)
})

twoStepRoutes.post('/security/two-step/confirm', async (c) => {
  const form = await readForm(c)
  const result = await turnOnTwoStep(c.var.db, c.var.config, { user: c.var.user, client: clientOf(c) }, typedCode(form), c.var.session.id)
  if (result.outcome === 'no-setup') return c.redirect('/security#dos-pasos', 303)
  if (result.outcome === 'wrong-code') return c.html(setupPage(c, result.secret, t.twoStep.wrongSetupCode), 422)
  securityLog(c, 'two_step', 'enabled')
  sendAfterResponse(c, result.queued)
  return c.html(<RecoveryCodesPage user={c.var.user} codes={result.codes} notice={t.twoStep.turnedOn} />)
})

twoStepRoutes.post('/security/two-step/off', async (c) => {
  const checked = await checkedFactor(c, 'off')
  if (!checked.ok) return checked.page
  const done = await turnOffTwoStep(c.var.db, c.var.config, { user: c.var.user, client: clientOf(c) }, checked.factor)
  if (!done) return checked.fail('code', t.twoStep.wrongCode, 422)
  securityLog(c, 'two_step', 'disabled')
  sendAfterResponse(c, done.queued)
  return c.redirect(`${withNotice(c, '/security', 'dos-pasos-desactivada')}#dos-pasos`, 303)
})

twoStepRoutes.post('/security/two-step/codes', async (c) => {
  const checked = await checkedFactor(c, 'codes')
  if (!checked.ok) return checked.page
  const renewed = await renewRecoveryCodes(c.var.db, c.var.config, { user: c.var.user, client: clientOf(c) }, checked.factor)
  if (!renewed) return checked.fail('code', t.twoStep.wrongCode, 422)
  sendAfterResponse(c, renewed.queued)
  return c.html(<RecoveryCodesPage user={c.var.user} codes={renewed.codes} />)
})

/**
 * Turning off and renewing ask what a password change asks (a recent
 * sign-in or the current password) and a current code or recovery code,
 * counted like the second step's. Seguridad with the error, or the factor.
 */
async function checkedFactor(c: Context<AppEnv>, sent: 'codes' | 'off') {
  const form = await readForm(c)
  const fail = (field: TwoStepError['field'], message: string, status: 409 | 422 | 429) => c.html(securityPage(c, { twoStepError: { form: sent, field, message } }), status)
  const failed = (...why: Parameters<typeof fail>) => ({ ok: false as const, page: fail(...why) })
  if (!c.var.user.twoStepSecret) return failed(undefined, t.twoStep.off, 409)
  const check = await confirmRecentSignIn(c, form.current_password ?? '', t.errors.firstPasswordNeedsFreshSignIn)
  if (!check.ok) return failed('current_password', check.error, check.status)
  if (!typedCode(form).trim()) return failed('code', t.twoStep.codeMissing, 422)
  const result = await checkSecondFactorCounted(c.var.db, c.var.config, c.var.user, typedCode(form), await knownDeviceOf(c))
  if (result.outcome === 'throttled') return failed('code', t.twoStep.throttled(Math.ceil(result.retryAfterSeconds / 60)), 429)
  if (result.outcome === 'wrong') return failed('code', t.twoStep.wrongCode, 422)
  return { ok: true as const, factor: result.factor, fail }
}

function setupPage(c: Context<AppEnv>, secret: Uint8Array, error?: string) {
  const keyUri = totpKeyUri(c.var.user.email, secret)
  return <TwoStepSetupPage user={c.var.user} qrImage={qrCodeImage(keyUri)} secretForTyping={secretForTyping(secret)} keyUri={keyUri} error={error} />
}
