import { checkEmail, normalizeEmail } from '../addresses/email'
import { findUserByEmail } from '../auth/accounts'
import { hasTwoStep, turnOffTwoStepBySupport } from '../auth/two-step'
import type { Bindings } from '../config/bindings'
import { readConfig } from '../config'
import { openDatabase } from '../db/client'

// Support's command for someone who lost the phone and the recovery codes:
// `npm run two-step:off -- --email <address> --operator <who>` (scripts/
// two-step-off.mjs runs this against the local D1, or with --remote the
// production one). An entry point like a route: parse, one domain call,
// say what happened.

/** `evict`: someone else turned it on (an intruder with the password); see turnOffTwoStepBySupport. */
export type TwoStepOffRequest = { email: string; operator: string; dryRun: boolean; evict?: boolean }

export type TwoStepOffOutcome =
  | { outcome: 'invalid'; message: string }
  | { outcome: 'no-account' | 'already-off' | 'changed-meanwhile'; email: string }
  | { outcome: 'would-turn-off' | 'turned-off'; email: string; mails: number }

const MAX_OPERATOR_LENGTH = 100

export async function twoStepOff(env: Bindings, request: TwoStepOffRequest): Promise<TwoStepOffOutcome> {
  const email = normalizeEmail(request.email)
  const operator = request.operator.trim()
  const invalidEmail = checkEmail(email)
  if (invalidEmail) return { outcome: 'invalid', message: `--email: ${invalidEmail}` }
  // Who did it goes into the owner's activity: a name or address a person can read, never empty.
  if (!operator || operator.length > MAX_OPERATOR_LENGTH || /\p{C}/u.test(operator)) {
    return { outcome: 'invalid', message: `--operator: quién lo hace (su nombre o correo), hasta ${MAX_OPERATOR_LENGTH} caracteres` }
  }
  const config = readConfig(env)
  const db = openDatabase(env.DB)
  const user = await findUserByEmail(db, email)
  if (!user) return { outcome: 'no-account', email }
  if (!hasTwoStep(user) && !request.evict) return { outcome: 'already-off', email }
  if (request.dryRun) return { outcome: 'would-turn-off', email, mails: 1 }
  const done = await turnOffTwoStepBySupport(db, config, user, operator, request.evict ?? false)
  return done ? { outcome: 'turned-off', email, mails: done.queued.length } : { outcome: 'changed-meanwhile', email }
}
