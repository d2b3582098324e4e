import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { Campaign } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useLoad } from '../ui/server-state.ts'
import { TenantToolbar, useChosenTenant } from '../ui/tenant-choice.tsx'
import { campaignHref, tenantPath } from './campaigns-page.tsx'
import { StatusBadge } from './status-badge.tsx'

// A tenant's campaigns, newest first, with their status and how far they got; live (every
// campaign.* event reloads the list).

const remembered = 'wahub.campaigns.tenant'

export function CampaignList() {
  const { t } = useTranslation('campaigns')
  const choice = useChosenTenant(remembered)
  const { tenants, tenantId } = choice
  const list = useLoad(['campaigns', tenantId], async (signal) =>
    tenantId
      ? (await get<{ campaigns: Campaign[] }>(tenantPath('campaigns', tenantId), signal)).campaigns
      : [],
  )
  const refresh = useDebounced(() => void list.reload(), 500)
  useLive(refresh, ['campaign.status', 'campaign.paused', 'campaign.progress'])
  const campaigns = list.data ?? []

  return (
    <div className="page campaigns-page">
      <PageHead
        title={t('title')}
        intro={t('intro')}
        error={tenants.error ?? list.error}
        errorTitle={t('loadFailed')}
      />
      <TenantToolbar
        label={t('tenant')}
        choice={choice}
        links={(id) => [
          [campaignHref(id, 'new'), t('new')],
          [campaignHref(id, 'suppressions'), t('suppressions.link')],
        ]}
      />
      {list.data && campaigns.length === 0 ? <p className="notice">{t('none')}</p> : null}
      {campaigns.length ? (
        <table className="campaign-table">
          <thead>
            <tr>
              <th scope="col">{t('columns.name')}</th>
              <th scope="col">{t('columns.template')}</th>
              <th scope="col">{t('columns.status')}</th>
              <th scope="col">{t('columns.start')}</th>
              <th scope="col">{t('columns.created')}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id} data-campaign={c.name}>
                <td>
                  <Link href={campaignHref(tenantId, encodeURIComponent(c.id))}>{c.name}</Link>
                </td>
                <td>
                  <code>{c.template.name}</code> · {c.template.language}
                </td>
                <td>
                  <StatusBadge status={c.status} />
                  {c.reason && c.status === 'paused' ? (
                    <span className="muted small"> {c.reason}</span>
                  ) : null}
                </td>
                <td>{c.startAt ? formatDateTime(c.startAt) : t('now')}</td>
                <td>{formatDateTime(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}
