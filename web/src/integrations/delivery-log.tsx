import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { WebhookAttempt, WebhookDelivery, WebhookSubscription } from '../api-types.ts'
import { formatDateTime, number } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TableHead } from '../ui/table-head.tsx'
import { tenantPath } from './integrations-page.tsx'

// A subscription's delivery log: every POST, newest first, with its time, event, which try it
// was, the HTTP status, the latency and the first characters of the answer; only the failed ones
// on demand; redeliver one event, or every failed one since a time. Retries happen in the
// background, so the log reads itself again every few seconds while it is on screen.

const refreshMs = 4000

/** `datetime-local` value of a time, in the browser's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

export function DeliveryLog(props: {
  tenantId: string
  subscription: WebhookSubscription
  onChanged: () => void
}) {
  const { t } = useTranslation('integrations')
  const ids = useId()
  const id = props.subscription.id
  const path = (rest: string, extra = '') =>
    tenantPath(`webhook-subscriptions/${encodeURIComponent(id)}${rest}`, props.tenantId, extra)
  const [failedOnly, setFailedOnly] = useState(false)
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600_000))
  const log = useLoad(['subscription-attempts', props.tenantId, id, failedOnly], (signal) =>
    get<{ attempts: WebhookAttempt[] }>(
      path('/attempts', `&limit=100${failedOnly ? '&failed=true' : ''}`),
      signal,
    ),
  )
  const deliveries = useLoad(['subscription-deliveries', props.tenantId, id], (signal) =>
    get<{ deliveries: WebhookDelivery[] }>(path('/deliveries', '&limit=1000'), signal),
  )
  const { reload } = log
  const reloadDeliveries = deliveries.reload
  const onChanged = useRef(props.onChanged)
  onChanged.current = props.onChanged
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return
      void reload()
      void reloadDeliveries()
      onChanged.current()
    }, refreshMs)
    return () => clearInterval(timer)
  }, [reload, reloadDeliveries])
  const action = useAction()
  const statusOf = new Map((deliveries.data?.deliveries ?? []).map((d) => [d.id, d.status]))
  const failedCount = (deliveries.data?.deliveries ?? []).filter((d) => d.status === 'failed').length

  const redeliver = (body: { deliveryId: string } | { failedSince: number }) =>
    action.run('redeliver', async () => {
      const r = await post<{ queued: WebhookDelivery[] }>(path('/redeliver'), body)
      await Promise.all([reload(), reloadDeliveries()])
      return t('log.queued', { count: r.queued.length })
    })
  const attempts = log.data?.attempts ?? []

  return (
    <section className="card delivery-log" aria-labelledby={`${ids}-title`}>
      <div className="card-head">
        <h2 id={`${ids}-title`}>{t('log.title')}</h2>
        <button type="button" className="secondary small" onClick={() => void reload()}>
          {t('log.refresh')}
        </button>
      </div>
      <p className="muted small">{t('log.intro')}</p>
      <div className="toolbar log-toolbar">
        <label className="tick">
          <input type="checkbox" checked={failedOnly} onChange={(e) => setFailedOnly(e.target.checked)} />
          {t('log.failedOnly')}
        </label>
        <form
          className="redeliver-since"
          onSubmit={(e) => {
            e.preventDefault()
            const at = new Date(since).getTime()
            if (Number.isNaN(at)) return action.fail(new Error(t('log.sinceInvalid')))
            void redeliver({ failedSince: at })
          }}
        >
          <label htmlFor={`${ids}-since`}>{t('log.since')}</label>
          <input
            id={`${ids}-since`}
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            required
          />
          <button type="submit" className="secondary" disabled={action.busy !== null}>
            {t('log.redeliverAll', { count: failedCount })}
          </button>
        </form>
      </div>
      {!props.subscription.enabled ? <p className="notice">{t('log.enableFirst')}</p> : null}
      <Success message={action.done} />
      <ErrorBox error={action.error ?? log.error} title={t('actionFailed')} onDismiss={action.reset} />
      {log.data && attempts.length === 0 ? (
        <p className="notice empty-state">{failedOnly ? t('log.noneFailed') : t('log.none')}</p>
      ) : null}
      {attempts.length ? (
        <div className="table-wrap">
          <table className="integration-table attempts-table">
            <TableHead
              columns={[
                t('log.time'),
                t('log.event'),
                t('log.attempt'),
                t('log.status'),
                t('log.latency'),
                t('log.response'),
              ]}
              actions={t('log.actions')}
            />
            <tbody>
              {attempts.map((a) => {
                const delivery = a.deliveryId ? statusOf.get(a.deliveryId) : undefined
                return (
                  <tr key={a.id} className={a.ok ? 'attempt-ok' : 'attempt-failed'} data-event={a.eventKind}>
                    <td data-label={t('log.time')}>{formatDateTime(a.at)}</td>
                    <td data-label={t('log.event')}>
                      <code>{a.eventKind}</code>
                    </td>
                    <td data-label={t('log.attempt')}>{a.attempt ?? '—'}</td>
                    <td data-label={t('log.status')}>
                      <span className={`status-pill ${a.ok ? 'pass' : 'fail'}`}>
                        {a.httpStatus ?? t('log.noAnswer')}
                      </span>
                    </td>
                    <td data-label={t('log.latency')}>{t('log.ms', { ms: number(a.latencyMs) })}</td>
                    <td data-label={t('log.response')} className="excerpt">
                      {a.error ? <span className="attempt-error">{a.error}</span> : null}
                      {a.responseExcerpt ? <code>{a.responseExcerpt}</code> : null}
                    </td>
                    <td className="row-actions">
                      {!a.ok && a.deliveryId && delivery && delivery !== 'delivered' ? (
                        <button
                          type="button"
                          className="link-button"
                          disabled={action.busy !== null}
                          onClick={() => a.deliveryId && void redeliver({ deliveryId: a.deliveryId })}
                        >
                          {t('log.redeliver')}
                          <span className="visually-hidden"> {a.eventKind}</span>
                        </button>
                      ) : null}
                      {delivery === 'pending' && !a.ok ? (
                        <span className="muted small">{t('log.retrying')}</span>
                      ) : null}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}
