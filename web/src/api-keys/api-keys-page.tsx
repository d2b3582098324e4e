import { useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { del, get, qs } from '../api.ts'
import type { ApiKey, Tenant } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { RowButton } from '../ui/row-button.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { TableHead } from '../ui/table-head.tsx'
import { CreateKey } from './create-key.tsx'

// API keys: a tenant's (send, read) or an operator's (admin). The key is shown once, when it is
// created — Wahub keeps only its hash; revoking works at once on every instance.

export function ApiKeysPage() {
  const { t } = useTranslation('api-keys')
  const [showRevoked, setShowRevoked] = useState(false)
  const { data, error, reload } = useLoad(['api-keys', showRevoked], async () => {
    const [k, tenants] = await Promise.all([
      get<{ apiKeys: ApiKey[] }>(`/api/v1/admin/api-keys${qs({ includeRevoked: showRevoked || undefined })}`),
      get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
    ])
    return { keys: k.apiKeys, tenants: tenants.tenants }
  })
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const tenantName = (id: string | null) =>
    id ? (data?.tenants.find((x) => x.id === id)?.name ?? id) : t('operatorAll')

  const revoke = async (k: ApiKey) => {
    const ok = await confirm({
      title: t('revokeConfirm', { key: `${k.hint}${k.name ? ` (${k.name})` : ''}` }),
      body: t('revokeConfirmBody'),
      confirmLabel: t('revoke'),
    })
    if (!ok) return
    await action.run('revoke', async () => {
      await del(`/api/v1/admin/api-keys/${encodeURIComponent(k.id)}`)
      await reload()
    })
  }

  return (
    <div className="page">
      {dialog}
      <PageHead
        title={t('title')}
        intro={<Trans t={t} i18nKey="intro" components={{ code: <code /> }} />}
        error={error}
        errorTitle={t('loadFailed')}
      />
      <CreateKey tenants={data?.tenants ?? []} action={action} onCreated={reload} />
      <section className="card" aria-labelledby="keys-title">
        <div className="card-head">
          <h2 id="keys-title">{t('keys')}</h2>
          <label className="checkbox">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />{' '}
            {t('showRevoked')}
          </label>
        </div>
        <div className="table-wrap">
          <table>
            <TableHead
              columns={[t('key'), t('create.for'), t('scopes'), t('created'), t('lastUsed')]}
              actions={t('actions')}
            />
            <tbody>
              {data?.keys.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'revoked' : undefined}>
                  <td>
                    <span className="mono">{k.hint}</span>{' '}
                    {k.name ? <span className="muted">{k.name}</span> : null}
                  </td>
                  <td>{tenantName(k.tenantId)}</td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{formatDateTime(k.createdAt)}</td>
                  <td>
                    {k.lastUsedAt ? (
                      formatDateTime(k.lastUsedAt)
                    ) : (
                      <span className="muted">{t('never')}</span>
                    )}
                  </td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">{t('revokedAt', { when: formatDateTime(k.revokedAt) })}</span>
                    ) : (
                      <RowButton danger of={k.hint} onClick={() => void revoke(k)}>
                        {t('revoke')}
                      </RowButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  )
}
