import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { Template, Waba } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TableHead } from '../ui/table-head.tsx'

// Templates as last synced from each WABA, with their status (approved, pending, rejected with
// the reason, paused) and quality; a sync reads them from Meta again.

export function TemplatesPage() {
  const { t } = useTranslation('templates')
  const { data, error, reload } = useLoad(['templates'], async () => {
    const [list, w] = await Promise.all([
      get<{ templates: Template[] }>('/api/v1/admin/templates'),
      get<{ wabas: Waba[] }>('/api/v1/admin/wabas'),
    ])
    return { templates: list.templates, wabas: w.wabas }
  })
  const action = useAction()
  const busy = action.busy
  const refresh = useDebounced(() => void reload(), 500)
  useLive(refresh, ['template.status', 'template.quality', 'template.category'])

  const sync = (w: Waba) =>
    action.run(w.id, async () => {
      const r = await post<{ synced: number }>(
        `/api/v1/admin/wabas/${encodeURIComponent(w.id)}/templates/sync`,
      )
      await reload()
      return t('synced', { count: r.synced, wabaId: w.wabaId })
    })
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
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      <div className="toolbar">
        {data?.wabas.map((w) => (
          <button
            key={w.id}
            type="button"
            className="secondary"
            disabled={busy !== null}
            onClick={() => void sync(w)}
          >
            {busy === w.id ? t('syncing') : t('sync', { name: w.name ?? w.wabaId })}
          </button>
        ))}
      </div>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('syncFailed')} />
      <div className="table-wrap card">
        <table>
          <TableHead columns={[t('name'), t('language'), t('category'), t('status'), t('syncedAt')]} />
          <tbody>
            {data?.templates.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {t('none')}
                </td>
              </tr>
            ) : null}
            {data?.templates.map((x) => (
              <tr key={x.id}>
                <td>
                  <strong>{x.name}</strong>
                </td>
                <td>{x.language}</td>
                <td>{x.category?.toLowerCase() ?? ''}</td>
                <td>
                  <span className={`status-pill ${statusClass(x.status)}`}>{x.status.toLowerCase()}</span>
                  {x.rejectedReason && x.rejectedReason !== 'NONE' ? (
                    <span className="muted small"> {x.rejectedReason}</span>
                  ) : null}
                  {x.qualityScore ? (
                    <span className="muted small">
                      {' '}
                      · {t('quality', { score: x.qualityScore.toLowerCase() })}
                    </span>
                  ) : null}
                </td>
                <td>{formatDateTime(x.syncedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
