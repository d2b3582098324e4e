import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { WebhookAttempt, WebhookSubscription } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useLoad } from '../ui/server-state.ts'
import { TableHead } from '../ui/table-head.tsx'
import { TenantToolbar, useChosenTenant } from '../ui/tenant-choice.tsx'
import { integrationsHref, tenantPath } from './integrations-page.tsx'
import { StateBadge } from './state-badge.tsx'

// A tenant's webhook subscriptions: URL, the events each receives, whether it is delivering (and
// why not) and its last attempt; the way to add one and to the tenant's website widget.

const remembered = 'wahub.integrations.tenant'

export function SubscriptionList() {
  const { t } = useTranslation('integrations')
  const choice = useChosenTenant(remembered)
  const { tenants, tenantId } = choice
  const list = useLoad(['subscriptions', tenantId], async (signal) =>
    tenantId
      ? (
          await get<{ subscriptions: WebhookSubscription[] }>(
            tenantPath('webhook-subscriptions', tenantId),
            signal,
          )
        ).subscriptions
      : [],
  )
  useLive(() => void list.reload(), ['subscription.disabled'])
  const subs = list.data ?? []

  return (
    <div className="page integrations-page">
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
          [integrationsHref(id, 'new'), t('subscriptions.new')],
          [integrationsHref(id, 'widget'), t('widget.link')],
        ]}
      />
      <h2>{t('subscriptions.title')}</h2>
      {list.data && subs.length === 0 ? (
        <div className="notice empty-state">
          <p>{t('subscriptions.none')}</p>
          <p className="muted small">{t('subscriptions.noneHint')}</p>
        </div>
      ) : null}
      {subs.length ? (
        <div className="table-wrap">
          <table className="integration-table">
            <TableHead
              columns={[t('columns.url'), t('columns.events'), t('columns.state'), t('columns.last')]}
            />
            <tbody>
              {subs.map((s) => (
                <tr key={s.id} data-subscription={s.url}>
                  <td data-label={t('columns.url')}>
                    <Link href={integrationsHref(tenantId, encodeURIComponent(s.id))} className="sub-url">
                      {s.url}
                    </Link>
                    {s.description ? <div className="muted small">{s.description}</div> : null}
                    {s.legacy ? <div className="muted small">{t('subscriptions.legacy')}</div> : null}
                  </td>
                  <td data-label={t('columns.events')}>
                    <EventList events={s.events} />
                  </td>
                  <td data-label={t('columns.state')}>
                    <StateBadge subscription={s} />
                  </td>
                  <td data-label={t('columns.last')}>
                    <LastAttempt tenantId={tenantId} id={s.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  )
}

export function EventList(props: { events: string[] }) {
  const { t } = useTranslation('integrations')
  return (
    <span className="event-list">
      {props.events.map((e) => (
        <code key={e}>{e === '*' ? t('events.everything') : e}</code>
      ))}
    </span>
  )
}

/** The newest attempt of one subscription: when, and what the receiver answered. */
function LastAttempt(props: { tenantId: string; id: string }) {
  const { t } = useTranslation('integrations')
  const last = useLoad(['subscription-last', props.tenantId, props.id], async (signal) => {
    const r = await get<{ attempts: WebhookAttempt[] }>(
      tenantPath(
        `webhook-subscriptions/${encodeURIComponent(props.id)}/attempts`,
        props.tenantId,
        '&limit=1',
      ),
      signal,
    )
    return r.attempts[0] ?? null
  })
  if (last.data === undefined) return null
  if (last.data === null) return <span className="muted">{t('subscriptions.noAttempts')}</span>
  const a = last.data
  return (
    <span className={a.ok ? 'attempt-ok' : 'attempt-failed'}>
      {a.ok ? t('log.ok') : t('log.failed')} · {a.httpStatus ?? a.error ?? '—'}
      <span className="muted small"> {formatDateTime(a.at)}</span>
    </span>
  )
}
