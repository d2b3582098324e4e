import { useState } from 'react'
import { get, post } from '../api.ts'
import type { Template, Waba } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced, useLoad } from '../ui/hooks.ts'

// Templates as last synced from each WABA, with their status (approved, pending, rejected with
// the reason, paused) and quality; a sync reads them from Meta again.

export function TemplatesPage() {
  const { data, error, reload } = useLoad(async () => {
    const [t, w] = await Promise.all([
      get<{ templates: Template[] }>('/api/v1/admin/templates'),
      get<{ wabas: Waba[] }>('/api/v1/admin/wabas'),
    ])
    return { templates: t.templates, wabas: w.wabas }
  }, [])
  const [busy, setBusy] = useState<string | null>(null)
  const [actionError, setActionError] = useState<unknown>()
  const [done, setDone] = useState<string | null>(null)
  const refresh = useDebounced(() => void reload(), 500)
  useLive(refresh, ['template.status', 'template.quality', 'template.category'])

  const sync = async (w: Waba) => {
    setBusy(w.id)
    setActionError(undefined)
    setDone(null)
    try {
      const r = await post<{ synced: number }>(
        `/api/v1/admin/wabas/${encodeURIComponent(w.id)}/templates/sync`,
      )
      setDone(`${r.synced} template(s) synced from WABA ${w.wabaId}.`)
      await reload()
    } catch (err) {
      setActionError(err)
    } finally {
      setBusy(null)
    }
  }
  const statusClass = (s: string) =>
    ({
      APPROVED: 'pass',
      PENDING: 'neutral',
      IN_APPEAL: 'neutral',
      PAUSED: 'warn',
      REJECTED: 'fail',
      DISABLED: 'fail',
    })[s.toUpperCase()] ?? 'neutral'

  return (
    <div className="page">
      <div className="page-head">
        <h1>Templates</h1>
        <p className="muted">Outside the 24-hour window only approved templates are delivered.</p>
      </div>
      <ErrorBox error={error} title="Could not load the templates" />
      <div className="toolbar">
        {data?.wabas.map((w) => (
          <button
            key={w.id}
            type="button"
            className="secondary"
            disabled={busy !== null}
            onClick={() => void sync(w)}
          >
            {busy === w.id ? 'Syncing…' : `Sync ${w.name ?? w.wabaId}`}
          </button>
        ))}
      </div>
      {done ? (
        <p className="success" role="status">
          {done}
        </p>
      ) : null}
      <ErrorBox error={actionError} title="Sync failed" />
      <div className="table-wrap card">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Language</th>
              <th scope="col">Category</th>
              <th scope="col">Status</th>
              <th scope="col">Synced</th>
            </tr>
          </thead>
          <tbody>
            {data?.templates.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No template synced yet.
                </td>
              </tr>
            ) : null}
            {data?.templates.map((t) => (
              <tr key={t.id}>
                <td>
                  <strong>{t.name}</strong>
                </td>
                <td>{t.language}</td>
                <td>{t.category?.toLowerCase() ?? ''}</td>
                <td>
                  <span className={`status-pill ${statusClass(t.status)}`}>{t.status.toLowerCase()}</span>
                  {t.rejectedReason && t.rejectedReason !== 'NONE' ? (
                    <span className="muted small"> {t.rejectedReason}</span>
                  ) : null}
                  {t.qualityScore ? (
                    <span className="muted small"> · quality {t.qualityScore.toLowerCase()}</span>
                  ) : null}
                </td>
                <td>{formatDateTime(t.syncedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
