import { Hono } from 'hono'
import { normalizeEmail } from '../addresses/email'
import { normalizeName } from '../auth/names'
import { checkNewPasswordAsTyped } from '../auth/passwords'
import type { AppEnv } from '../env'
import { readForm } from '../http/forms'
import { InlineFeedback } from '../../views/partials/password-feedback'

export const validationRoutes = new Hono<AppEnv>()

/**
 * htmx inline check of the new password and its confirmation, as the person
 * types: what checkNewPasswordAsTyped says (the forms' rules and words, minus
 * what would be said too early), in the same regions the full page renders.
 * Answers 200: the request is fine, the message is the content. No
 * database, no hashing.
 */
validationRoutes.post('/validate/password', async (c) => {
  const form = await readForm(c)
  // name/email come from the same form (sign-up fields, or the hidden ones
  // on reset and profile): only to say "not your own name", never trusted.
  // Bounded before anything normalises them: over the caps they come back
  // one character too long, and checkNewPassword ignores them.
  const person = { name: normalizeName(form.name), email: normalizeEmail(form.email) }
  const { errors, ok } = checkNewPasswordAsTyped(form.password ?? '', form.password_confirmation ?? '', person, {
    confirmationLeft: form.confirmation_left === '1',
  })
  return c.html(<InlineFeedback errors={errors} ok={ok} />)
})
