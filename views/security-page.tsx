import { t } from '../src/i18n'
import { Layout } from './layout'
import { Notice } from './partials/notices'
import { PendingEmailChanges, type PendingEmailChange } from './partials/pending-email-changes'
import { TwoStepSection, type TwoStepSectionProps } from './partials/two-step-section'
import { ResetReview, type ResetReviewProps } from './partials/reset-review'
import { AccountSection, type AccountSectionProps } from './partials/account-section'
import { ActivityList, SessionsList, type EventRow, type RevokeOthersProps, type SessionRow } from './partials/sessions-and-activity'

export type SecurityPageProps = {
  user: { name: string; email: string }
  sessions: SessionRow[]
  currentSessionId: string
  events: EventRow[]
  notice?: string
  revokeOthers: RevokeOthersProps
  /** Right after a reset: what remains and what it closed. */
  review?: ResetReviewProps
  twoStep: TwoStepSectionProps
  /** Address changes waiting for their link, cancellable here. */
  pendingEmailChanges: PendingEmailChange[]
  /** "Sus datos" and "Eliminar la cuenta". */
  account: AccountSectionProps
  /** Where the request came from (Cloudflare's guess), for the times shown; none: UTC. */
  timeZone?: string | null
}

/** "Seguridad": the sessions and the activity, on their own page so the profile stays short. */
export function SecurityPage({ user, sessions, currentSessionId, events, notice, review, revokeOthers, twoStep, pendingEmailChanges, account, timeZone }: SecurityPageProps) {
  return (
    <Layout title={t.security.title} user={user} current="/security" wide>
      <h1>{t.security.title}</h1>
      <Notice text={notice} />
      {review && <ResetReview {...review} />}
      <p>{t.security.intro}</p>
      <PendingEmailChanges changes={pendingEmailChanges} timeZone={timeZone} />
      <TwoStepSection {...twoStep} />
      <SessionsList sessions={sessions} currentId={currentSessionId} revokeOthers={revokeOthers} timeZone={timeZone} />
      <ActivityList events={events} timeZone={timeZone} />
      <AccountSection {...account} />
      <div class="links">
        <a href="/profile">{t.security.back}</a>
      </div>
    </Layout>
  )
}
