import { Hono } from 'hono'
import { MAX_NAME_LENGTH, updateProfile } from '../auth/accounts'
import { checkNewPassword, hashPassword, verifyPassword } from '../auth/passwords'
import { isFreshSession } from '../auth/sessions'
import { clock } from '../clock'
import type { AppEnv } from '../env'
import { readForm, requestOrigin } from '../http/forms'
import { t } from '../i18n'
import { sendPasswordChangedMail } from '../mail/messages'
import { ProfilePage, type ProfileErrors } from '../../views/profile'
import { noticeFor, withNotice } from './notices'

/** Mounted behind requireAuthentication: c.var.user and c.var.session are set. */
export const profileRoutes = new Hono<AppEnv>()

profileRoutes.get('/profile', (c) => {
  const user = c.var.user!
  return c.html(
    <ProfilePage user={user} notice={noticeFor(c.req.query('aviso'))} askCurrentPassword={!isFreshSession(c.var.session!)} />,
  )
})

profileRoutes.post('/profile', async (c) => {
  const user = c.var.user!
  const session = c.var.session!
  const form = await readForm(c)
  const name = (form.name ?? '').trim()
  const password = form.password ?? ''
  const confirmation = form.password_confirmation ?? ''
  const changingPassword = Boolean(password || confirmation) // both blank = keep the current one
  const askCurrentPassword = !isFreshSession(session)

  const errors: ProfileErrors = {
    name: !name ? t.errors.nameRequired : name.length > MAX_NAME_LENGTH ? t.errors.nameTooLong : undefined,
    ...(changingPassword ? checkNewPassword(password, confirmation) : {}),
  }
  // Re-authentication: an old session must prove it still knows the password
  // before replacing it (a borrowed, unlocked laptop is not enough).
  if (changingPassword && askCurrentPassword && !Object.values(errors).some(Boolean)) {
    const current = form.current_password ?? ''
    if (!current || !(await verifyPassword(current, user.passwordHash, c.var.config.pepper))) {
      errors.current_password = t.errors.currentPasswordWrong
    }
  }
  if (Object.values(errors).some(Boolean)) {
    return c.html(<ProfilePage user={user} name={name} errors={errors} askCurrentPassword={askCurrentPassword} />, 422)
  }

  const passwordHash = changingPassword ? await hashPassword(password, c.var.config.pepper) : undefined
  await updateProfile(c.var.db, user, session.id, { name, passwordHash })
  if (!changingPassword) return c.redirect(withNotice('/profile', 'guardado'), 303)
  c.executionCtx.waitUntil(sendPasswordChangedMail(c.var, { ...user, name }, requestOrigin(c, clock.now())))
  return c.redirect(withNotice('/profile', 'contrasena-cambiada'), 303)
})
