import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { ApiKey, Tenant } from '../api-types.ts'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import type { Action } from '../ui/server-state.ts'
import { TextField } from '../ui/text-field.tsx'

type Scope = 'send' | 'read' | 'admin'

/** The form creating a key: a tenant's (send, read) or an operator's (admin); the key shown once. */
export function CreateKey(props: { tenants: Tenant[]; action: Action; onCreated: () => Promise<void> }) {
  const { t } = useTranslation('api-keys')
  const ids = useId()
  const [tenantId, setTenantId] = useState('')
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<Scope[]>(['send', 'read'])
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKey } | null>(null)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setCreated(null)
    void props.action.run('create', async () => {
      const body = tenantId
        ? {
            tenantId,
            scopes: scopes.filter((s) => s !== 'admin'),
            ...(name.trim() ? { name: name.trim() } : {}),
          }
        : { scopes: ['admin'], ...(name.trim() ? { name: name.trim() } : {}) }
      setCreated(await post<{ key: string; apiKey: ApiKey }>('/api/v1/admin/api-keys', body))
      setName('')
      await props.onCreated()
    })
  }
  const toggleScope = (s: Scope) =>
    setScopes((old) => (old.includes(s) ? old.filter((x) => x !== s) : [...old, s]))

  return (
    <section className="card" aria-labelledby="new-key">
      <h2 id="new-key">{t('create.title')}</h2>
      <form className="inline-form wrap" onSubmit={submit}>
        <label htmlFor={`${ids}-tenant`}>{t('create.for')}</label>
        <select id={`${ids}-tenant`} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
          <option value="">{t('create.operator')}</option>
          {props.tenants.map((x) => (
            <option key={x.id} value={x.id}>
              {t('create.tenant', { name: x.name })}
            </option>
          ))}
        </select>
        {tenantId ? (
          <fieldset className="checks-inline">
            <legend>{t('scopes')}</legend>
            {(['send', 'read'] as const).map((s) => (
              <label key={s}>
                <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggleScope(s)} /> {s}
              </label>
            ))}
          </fieldset>
        ) : null}
        <TextField
          label={t('create.name')}
          value={name}
          placeholder={t('create.namePlaceholder')}
          onValue={setName}
        />
        <button type="submit">{t('create.submit')}</button>
      </form>
      {created ? (
        <div className="success" role="status">
          <p>
            <strong>{t('create.copyNow')}</strong>
          </p>
          <CopyField label={t('create.newKey', { hint: created.apiKey.hint })} value={created.key} />
        </div>
      ) : null}
      <ErrorBox error={props.action.error} title={t('notDone')} />
    </section>
  )
}
