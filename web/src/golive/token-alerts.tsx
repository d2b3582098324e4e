import './golive.css'
import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { TokenAlert } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { Link } from '../router.tsx'
import { useLoad } from '../ui/server-state.ts'

// The header's warning for admins (the people who can replace a token): a WABA token that
// expired or expires within 7 days, with the way to swap in a permanent one.

export function TokenAlerts() {
  const { t } = useTranslation('golive')
  const { data } = useLoad(['golive', 'alerts'], () =>
    get<{ tokens: TokenAlert[] }>('/api/v1/admin/golive/alerts'),
  )
  const tokens = data?.tokens ?? []
  if (tokens.length === 0) return null
  return (
    <div className="token-alerts" role="alert">
      {tokens.map((x) => (
        <p key={x.id}>
          {x.expired
            ? t('alerts.expired', { waba: x.wabaId, at: formatDateTime(x.expiresAt) })
            : t('alerts.expiring', { waba: x.wabaId, at: formatDateTime(x.expiresAt) })}{' '}
          <Link href="/golive">{t('alerts.swap')}</Link>
        </p>
      ))}
    </div>
  )
}
