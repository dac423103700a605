import { t } from '../src/i18n'
import { Layout } from './layout'
import { SwitchAccountField, SwitchAccountWarning, type SwitchWarning } from './partials/notices'

/**
 * Opening the mailed link shows only this button. The POST verifies and
 * signs in; the GET changes nothing, because mail scanners open links.
 * It names the account it confirms (masked).
 */
export function VerifyEmailPage({ token, account, warning }: { token: string; account: string; warning?: SwitchWarning | null }) {
  return (
    <Layout title={t.verify.title}>
      <h1>{t.verify.title}</h1>
      <SwitchAccountWarning warning={warning} />
      <p>{t.verify.account(account)}</p>
      <p>{t.verify.intro}</p>
      <form method="post" action={`/email/verify/${token}`}>
        <SwitchAccountField warning={warning} />
        <button class="button" type="submit">
          {t.verify.submit}
        </button>
      </form>
    </Layout>
  )
}
