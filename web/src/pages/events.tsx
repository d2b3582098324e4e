import { useId, useState } from 'react'
import { get, post, qs } from '../api.ts'
import type { WebhookEvent } from '../api-types.ts'
import { formatBytes, formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced, useLoad } from '../ui/hooks.ts'

// The raw webhooks Meta delivered, newest first, with what became of each; unrouted ones (a
// number Wahub does not know, or not assigned to a tenant) can be replayed once fixed.

const outcomes = ['', 'unrouted', 'failed', 'rejected', 'pending', 'processed']

export function EventsPage() {
  const ids = useId()
  const [outcome, setOutcome] = useState('')
  const { data, error, reload } = useLoad(
    async () =>
      (await get<{ events: WebhookEvent[] }>(`/api/v1/admin/events${qs({ outcome, limit: 100 })}`)).events,
    [outcome],
  )
  const [openId, setOpenId] = useState<string | null>(null)
  const [body, setBody] = useState<string>('')
  const [actionError, setActionError] = useState<unknown>()
  const [replayed, setReplayed] = useState<string | null>(null)
  const refresh = useDebounced(() => void reload(), 500)
  useLive(refresh, ['message.received', 'message.status', 'webhook.unrouted'])

  const show = async (id: string) => {
    if (openId === id) return setOpenId(null)
    setOpenId(id)
    setBody('Loading…')
    try {
      const e = await get<{ body: string }>(`/api/v1/admin/events/${encodeURIComponent(id)}`)
      try {
        setBody(JSON.stringify(JSON.parse(e.body), null, 2))
      } catch {
        setBody(e.body)
      }
    } catch (err) {
      setBody('')
      setActionError(err)
    }
  }
  const replay = async (input: { ids?: string[]; unrouted?: boolean }) => {
    setActionError(undefined)
    setReplayed(null)
    try {
      const r = await post<{ replayed: string[] }>('/api/v1/admin/events/replay', input)
      setReplayed(
        r.replayed.length
          ? `${r.replayed.length} event(s) queued to be processed again.`
          : 'Nothing to replay.',
      )
      await reload()
    } catch (err) {
      setActionError(err)
    }
  }
  const unrouted = (data ?? []).filter((e) => e.outcome === 'unrouted').length

  return (
    <div className="page">
      <div className="page-head">
        <h1>Events</h1>
        <p className="muted">
          Every webhook Meta delivered, stored before it was answered. “Unrouted” means the phone number was
          unknown or not assigned to a tenant: add or assign it (Channels, Tenants), then replay.
        </p>
      </div>
      <ErrorBox error={error} title="Could not load the events" />
      <div className="toolbar">
        <label htmlFor={`${ids}-outcome`}>Outcome</label>
        <select id={`${ids}-outcome`} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o || 'All'}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void replay({ unrouted: true })}>
          Replay all unrouted{unrouted ? ` (${unrouted} shown)` : ''}
        </button>
        <button type="button" className="secondary" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      {replayed ? (
        <p className="success" role="status">
          {replayed}
        </p>
      ) : null}
      <ErrorBox error={actionError} title="Not done" />
      <div className="table-wrap card">
        <table className="events-table">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Outcome</th>
              <th scope="col">Numbers</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No webhook yet.
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

function EventRow(props: {
  event: WebhookEvent
  open: boolean
  body: string
  onShow: () => void
  onReplay: () => void
}) {
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
        <td>
          <span className={`status-pill ${cls}`}>{e.outcome}</span>
          {e.outcomeReason ? <span className="muted small"> {e.outcomeReason}</span> : null}
        </td>
        <td className="mono small">{e.phoneNumberIds.join(', ')}</td>
        <td>{formatBytes(e.size)}</td>
        <td className="row-actions">
          <button type="button" className="link-button" aria-expanded={props.open} onClick={props.onShow}>
            {props.open ? 'Hide body' : 'Body'}
          </button>
          {e.outcome === 'unrouted' || e.outcome === 'failed' ? (
            <button type="button" className="link-button" onClick={props.onReplay}>
              Replay
            </button>
          ) : null}
        </td>
      </tr>
      {props.open ? (
        <tr>
          <td colSpan={5}>
            <pre className="json">{props.body}</pre>
          </td>
        </tr>
      ) : null}
    </>
  )
}
