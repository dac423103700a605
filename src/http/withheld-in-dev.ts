import type { Context } from 'hono'
import { recordWithheldMail, type WithheldRequest } from '../auth/withheld-mail'
import type { AppEnv } from '../env'
import { mailRequesterOf } from './requester'

/**
 * In development, a request that queued no mail leaves a 'withheld' row with
 * the budget that held it back, for /dev/mail (see recordWithheldMail). In
 * production, nothing at all: not even a read.
 */
export async function showWithheldInDevMailbox(c: Context<AppEnv>, email: string, request: WithheldRequest, queued: string[]) {
  if (!c.var.config.devMailbox || queued.length > 0) return
  await recordWithheldMail(c.var.db, email, await mailRequesterOf(c), request)
}
