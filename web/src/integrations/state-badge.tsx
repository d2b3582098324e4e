import { useTranslation } from 'react-i18next'
import type { WebhookSubscription } from '../api-types.ts'
import { formatDateTime } from '../format.ts'

/** Delivering, failing since a time, or disabled (by a person, or by Wahub after a day of failures: why). */
export function StateBadge(props: { subscription: WebhookSubscription }) {
  const { t } = useTranslation('integrations')
  const s = props.subscription
  if (!s.enabled)
    return (
      <span className="sub-state">
        <span className="status-pill fail">{t('state.disabled')}</span>
        {s.disabledReason ? <span className="muted small"> {s.disabledReason}</span> : null}
      </span>
    )
  if (s.failingSince !== null)
    return (
      <span className="sub-state">
        <span className="status-pill warn">{t('state.failing')}</span>
        <span className="muted small">
          {' '}
          {t('state.failingSince', { time: formatDateTime(s.failingSince) })}
        </span>
      </span>
    )
  return <span className="status-pill pass">{t('state.enabled')}</span>
}
