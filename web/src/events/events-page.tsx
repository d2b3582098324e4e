import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post, qs } from '../api.ts'
import type { WebhookEvent } from '../api-types.ts'
import { formatBytes, formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TableHead } from '../ui/table-head.tsx'

// The raw webhooks Meta delivered, newest first, with what became of each; unrouted ones (a
// number Wahub does not know, or not assigned to a tenant) can be replayed once fixed.

const outcomes = ['', 'unrouted', 'wrong_app', 'failed', 'rejected', 'pending', 'processed']

export function EventsPage() {
  const { t } = useTranslation('events')
  const ids = useId()
  const [outcome, setOutcome] = useState('')
  const { data, error, reload } = useLoad(
    ['events', outcome],
    async () =>
      (await get<{ events: WebhookEvent[] }>(`/api/v1/admin/events${qs({ outcome, limit: 100 })}`)).events,
  )
  const [openId, setOpenId] = useState<string | null>(null)
  const [body, setBody] = useState<string>('')
  const action = useAction()
  const refresh = useDebounced(() => void reload(), 500)
  useLive(refresh, ['message.received', 'message.status', 'webhook.unrouted'])

  const show = async (id: string) => {
    if (openId === id) return setOpenId(null)
    setOpenId(id)
    setBody(t('common:loading'))
    const ok = await action.run('body', async () => {
      const e = await get<{ body: string }>(`/api/v1/admin/events/${encodeURIComponent(id)}`)
      try {
        setBody(JSON.stringify(JSON.parse(e.body), null, 2))
      } catch {
        setBody(e.body)
      }
    })
    if (!ok) setBody('')
  }
  const replay = (input: { ids?: string[]; unrouted?: boolean }) =>
    action.run('replay', async () => {
      const r = await post<{ replayed: string[] }>('/api/v1/admin/events/replay', input)
      await reload()
      return r.replayed.length ? t('replayed', { count: r.replayed.length }) : t('nothingToReplay')
    })
  const unrouted = (data ?? []).filter((e) => e.outcome === 'unrouted').length

  return (
    <div className="page">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      <div className="toolbar">
        <label htmlFor={`${ids}-outcome`}>{t('outcome')}</label>
        <select id={`${ids}-outcome`} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o ? t(`outcomes.${o}`) : t('all')}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void replay({ unrouted: true })}>
          {unrouted ? t('replayAllShown', { count: unrouted }) : t('replayAll')}
        </button>
        <button type="button" className="secondary" onClick={() => void reload()}>
          {t('refresh')}
        </button>
      </div>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('notDone')} />
      <div className="table-wrap card">
        <table className="events-table">
          <TableHead
            columns={[t('received'), t('type'), t('outcome'), t('numbers'), t('size')]}
            actions={t('actions')}
          />
          <tbody>
            {data?.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted" data-empty>
                  {outcome ? t('noneWithOutcome', { outcome: t(`outcomes.${outcome}`) }) : t('none')}
                </td>
              </tr>
            ) : null}
            {data?.map((e) => (
              <EventRow
                key={e.id}
                event={e}
                open={openId === e.id}
                body={openId === e.id ? body : ''}
                onShow={() => void show(e.id)}
                onReplay={() => void replay({ ids: [e.id] })}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

/** "message:text" → "Message · text"; "field:account_update" → "account_update". */
const typeLabel = (t: (key: string, options?: Record<string, string>) => string) => (type: string) => {
  const [kind, what = ''] = type.split(':')
  if (kind === 'message') return t('types.message', { what })
  if (kind === 'status') return t('types.status', { what: t(`statuses.${what}`, { defaultValue: what }) })
  if (kind === 'errors') return t('types.errors')
  return what || kind
}

function EventRow(props: {
  event: WebhookEvent
  open: boolean
  body: string
  onShow: () => void
  onReplay: () => void
}) {
  const { t } = useTranslation('events')
  const e = props.event
  const cls =
    e.outcome === 'processed'
      ? 'pass'
      : e.outcome === 'pending'
        ? 'neutral'
        : e.outcome === 'unrouted'
          ? 'warn'
          : 'fail'
  return (
    <>
      <tr data-event-id={e.id} data-outcome={e.outcome}>
        <td>{formatDateTime(e.receivedAt)}</td>
        <td className="small" data-types>
          {e.types.map(typeLabel(t)).join(', ') || '—'}
        </td>
        <td>
          <span className={`status-pill ${cls}`}>
            {t(`outcomes.${e.outcome}`, { defaultValue: e.outcome })}
          </span>
          {e.outcomeReason ? <span className="muted small"> {e.outcomeReason}</span> : null}
        </td>
        <td className="mono small">{e.phoneNumberIds.join(', ')}</td>
        <td>{formatBytes(e.size)}</td>
        <td className="row-actions">
          <button type="button" className="link-button" aria-expanded={props.open} onClick={props.onShow}>
            {props.open ? t('hideBody') : t('body')}
          </button>
          {e.outcome === 'unrouted' || e.outcome === 'failed' ? (
            <button type="button" className="link-button" onClick={props.onReplay}>
              {t('replay')}
            </button>
          ) : null}
        </td>
      </tr>
      {props.open ? (
        <tr>
          <td colSpan={6}>
            <pre className="json">{props.body}</pre>
          </td>
        </tr>
      ) : null}
    </>
  )
}
