import { type FormEvent, useId, useState } from 'react'
import { del, get, post, qs } from '../api.ts'
import type { ApiKey, Tenant } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useLoad } from '../ui/hooks.ts'

// API keys: a tenant's (send, read) or an operator's (admin). The key is shown once, when it is
// created — Wahub keeps only its hash; revoking works at once on every instance.

type Scope = 'send' | 'read' | 'admin'

export function ApiKeysPage() {
  const ids = useId()
  const [showRevoked, setShowRevoked] = useState(false)
  const { data, error, reload } = useLoad(async () => {
    const [k, t] = await Promise.all([
      get<{ apiKeys: ApiKey[] }>(`/api/v1/admin/api-keys${qs({ includeRevoked: showRevoked || undefined })}`),
      get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
    ])
    return { keys: k.apiKeys, tenants: t.tenants }
  }, [showRevoked])
  const [tenantId, setTenantId] = useState('')
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<Scope[]>(['send', 'read'])
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKey } | null>(null)
  const [actionError, setActionError] = useState<unknown>()
  const tenantName = (id: string | null) =>
    id ? (data?.tenants.find((t) => t.id === id)?.name ?? id) : 'Operator (all tenants)'

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setActionError(undefined)
    setCreated(null)
    try {
      const body = tenantId
        ? {
            tenantId,
            scopes: scopes.filter((s) => s !== 'admin'),
            ...(name.trim() ? { name: name.trim() } : {}),
          }
        : { scopes: ['admin'], ...(name.trim() ? { name: name.trim() } : {}) }
      setCreated(await post<{ key: string; apiKey: ApiKey }>('/api/v1/admin/api-keys', body))
      setName('')
      await reload()
    } catch (err) {
      setActionError(err)
    }
  }
  const revoke = async (k: ApiKey) => {
    if (
      !window.confirm(
        `Revoke ${k.hint}${k.name ? ` (${k.name})` : ''}? Programs using it stop working at once.`,
      )
    )
      return
    setActionError(undefined)
    try {
      await del(`/api/v1/admin/api-keys/${encodeURIComponent(k.id)}`)
      await reload()
    } catch (err) {
      setActionError(err)
    }
  }
  const toggleScope = (s: Scope) =>
    setScopes((old) => (old.includes(s) ? old.filter((x) => x !== s) : [...old, s]))

  return (
    <div className="page">
      <div className="page-head">
        <h1>API keys</h1>
        <p className="muted">
          Programs call the API with <code>Authorization: Bearer wh_…</code>. A tenant's key acts for that
          tenant only.
        </p>
      </div>
      <ErrorBox error={error} title="Could not load the keys" />
      <section className="card" aria-labelledby="new-key">
        <h2 id="new-key">Create a key</h2>
        <form className="inline-form wrap" onSubmit={submit}>
          <label htmlFor={`${ids}-tenant`}>For</label>
          <select id={`${ids}-tenant`} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
            <option value="">Operator (admin scope, all tenants)</option>
            {data?.tenants.map((t) => (
              <option key={t.id} value={t.id}>
                Tenant {t.name}
              </option>
            ))}
          </select>
          {tenantId ? (
            <fieldset className="checks-inline">
              <legend>Scopes</legend>
              {(['send', 'read'] as const).map((s) => (
                <label key={s}>
                  <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggleScope(s)} /> {s}
                </label>
              ))}
            </fieldset>
          ) : null}
          <label htmlFor={`${ids}-name`}>Name (optional)</label>
          <input
            id={`${ids}-name`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. CRM"
          />
          <button type="submit">Create key</button>
        </form>
        {created ? (
          <div className="success" role="status">
            <p>
              <strong>Copy the key now: it is shown only once.</strong>
            </p>
            <CopyField label={`New key ${created.apiKey.hint}`} value={created.key} />
          </div>
        ) : null}
        <ErrorBox error={actionError} title="Not done" />
      </section>
      <section className="card" aria-labelledby="keys-title">
        <div className="card-head">
          <h2 id="keys-title">Keys</h2>
          <label className="checkbox">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />{' '}
            Show revoked
          </label>
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">For</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
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
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">never</span>}
                  </td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">revoked {formatDateTime(k.revokedAt)}</span>
                    ) : (
                      <button type="button" className="link-button danger" onClick={() => void revoke(k)}>
                        Revoke<span className="visually-hidden"> {k.hint}</span>
                      </button>
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
