import { t } from '../src/i18n'
import { Layout } from './layout'

/**
 * Opening the mailed link shows only this button. The POST verifies and
 * signs in; the GET changes nothing, because mail scanners open links.
 */
export function VerifyEmailPage({ token }: { token: string }) {
  return (
    <Layout title={t.verify.title}>
      <h1>{t.verify.title}</h1>
      <p>{t.verify.intro}</p>
      <form method="post" action={`/email/verify/${token}`}>
        <button class="button" type="submit">
          {t.verify.submit}
        </button>
      </form>
    </Layout>
  )
}
