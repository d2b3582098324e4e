import { useTranslation } from 'react-i18next'
import type { CampaignStatus } from '../api-types.ts'

export function StatusBadge(props: { status: CampaignStatus }) {
  const { t } = useTranslation('campaigns')
  return <span className={`campaign-status status-${props.status}`}>{t(`status.${props.status}`)}</span>
}
