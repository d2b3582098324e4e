import './audit.css'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, qs } from '../api.ts'
import type { AuditEntry, Tenant } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useLoad } from '../ui/server-state.ts'
import { TableHead } from '../ui/table-head.tsx'

// The audit log (GET /api/v1/admin/audit): every admin action — who, what, on which thing, for
// which tenant — newest first, 50 a page, narrowed to one tenant if asked. Read-only.

const pageSize = 50

export function AuditPage() {
  const { t } = useTranslation('audit')
  const ids = useId()
  const [tenantId, setTenantId] = useState('')
  // The cursors of the pages before this one (Newer goes back), and this page's.
  const [newer, setNewer] = useState<string[]>([])
  const [before, setBefore] = useState<string | undefined>(undefined)
  const tenants = useLoad(
    ['audit-tenants'],
    async () => (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')).tenants,
  )
  const { data, error } = useLoad(
    ['audit', tenantId, before ?? ''],
    async () =>
      (
        await get<{ entries: AuditEntry[] }>(
          `/api/v1/admin/audit${qs({ tenantId, before, limit: pageSize })}`,
        )
      ).entries,
  )
  const names = new Map((tenants.data ?? []).map((x) => [x.id, x.name]))
  const choose = (id: string) => {
    setTenantId(id)
    setNewer([])
    setBefore(undefined)
  }
  const older = () => {
    const last = data?.[data.length - 1]
    if (!last) return
    setNewer([...newer, before ?? ''])
    setBefore(last.id)
  }
  const back = () => {
    const previous = newer[newer.length - 1]
    setNewer(newer.slice(0, -1))
    setBefore(previous || undefined)
  }
  return (
    <div className="page">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      <div className="toolbar">
        <label htmlFor={`${ids}-tenant`}>{t('tenant')}</label>
        <select id={`${ids}-tenant`} value={tenantId} onChange={(e) => choose(e.target.value)}>
          <option value="">{t('allTenants')}</option>
          {(tenants.data ?? []).map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      <div className="table-wrap card">
        <table className="audit-table">
          <TableHead columns={[t('at'), t('actor'), t('action'), t('target'), t('tenant'), t('details')]} />
          <tbody>
            {data?.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted" data-empty>
                  {tenantId ? t('noneForTenant') : before ? t('noOlder') : t('none')}
                </td>
              </tr>
            ) : null}
            {data?.map((e) => (
              <tr key={e.id} data-audit-id={e.id} data-action={e.action}>
                <td>{formatDateTime(e.at)}</td>
                <td className="mono small">{e.actor}</td>
                <td>
                  <span className="badge">{e.action}</span>
                </td>
                <td className="mono small">{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
                <td>{e.tenantId ? (names.get(e.tenantId) ?? e.tenantId) : '—'}</td>
                <td>
                  {e.details && Object.keys(e.details).length > 0 ? (
                    <code className="audit-details">{JSON.stringify(e.details)}</code>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="toolbar">
        <button type="button" className="secondary" disabled={newer.length === 0} onClick={back}>
          {t('newer')}
        </button>
        <button type="button" className="secondary" disabled={(data?.length ?? 0) < pageSize} onClick={older}>
          {t('older')}
        </button>
      </div>
    </div>
  )
}
