import { t } from '../src/i18n'
import { Layout } from './layout'

/** Too many failed password sign-ins for one address: the way in by mail stays open. */
export function ThrottledPage({ minutes }: { minutes: number }) {
  return (
    <Layout title={t.throttled.title}>
      <h1>{t.throttled.title}</h1>
      {/* The whole page is the answer (its title says it): no live region, which at load would not be announced anyway. */}
      <p>{t.throttled.body(minutes)}</p>
      <a class="button" href="/login/email">
        {t.accessLink.offer}
      </a>
      <div class="links">
        <a href="/password/forgot">{t.login.forgot}</a>
      </div>
    </Layout>
  )
}
