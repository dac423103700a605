import { Hono } from 'hono'
import { normalizeEmail } from '../addresses/email'
import { normalizeName } from '../auth/names'
import { checkNewPassword } from '../auth/passwords'
import type { AppEnv } from '../env'
import { readForm } from '../http/forms'
import { InlineFeedback } from '../../views/partials/password-feedback'

export const validationRoutes = new Hono<AppEnv>()

/**
 * htmx inline check of the new password and its confirmation, as the person
 * types. Same rules as the full POST (checkNewPassword), same words as the
 * full page (the feedback regions). It stays quiet about a field not typed
 * yet, and about a mismatch while the confirmation is still shorter than
 * the password — unless the person has left the field (`confirmation_left`)
 * — and answers 200: the request is fine, the message is the content. No
 * database, no hashing.
 */
validationRoutes.post('/validate/password', async (c) => {
  const form = await readForm(c)
  const password = form.password ?? ''
  const confirmation = form.password_confirmation ?? ''
  // name/email come from the same form (sign-up fields, or the hidden ones
  // on reset and profile): only to say "not your own name", never trusted.
  // Bounded before anything normalises them: over the caps they come back
  // one character too long, and checkNewPassword ignores them.
  const person = { name: normalizeName(form.name), email: normalizeEmail(form.email) }
  const errors = checkNewPassword(password, confirmation, person)
  if (!password) delete errors.password
  const stillTyping = confirmation.length < password.length && form.confirmation_left !== '1'
  if (!confirmation || stillTyping) delete errors.password_confirmation
  const ok = Boolean(password && confirmation === password && !errors.password)
  return c.html(<InlineFeedback errors={errors} ok={ok} />)
})
