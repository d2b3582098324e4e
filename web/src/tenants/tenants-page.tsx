import './tenants.css'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { ChannelSettings, PhoneNumber, Tenant, User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { TextField } from '../ui/text-field.tsx'
import { GlobalSettings } from './global-settings.tsx'
import { TenantCard } from './tenant-card.tsx'
import { Users } from './users.tsx'

// Tenants and who works for them: the global default number and WhatsApp switch (seed 001),
// numbers assigned to each tenant (a number belongs to one), the default number a send without
// `from` uses, on/off and WhatsApp on/off; dashboard users (admins, and agents of
// one tenant) with a one-time password shown once.

type Data = { tenants: Tenant[]; numbers: PhoneNumber[]; users: User[]; settings: ChannelSettings }

async function load(): Promise<Data> {
  const [t, n, u, settings] = await Promise.all([
    get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
    get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    get<{ users: User[] }>('/api/v1/admin/users'),
    get<ChannelSettings>('/api/v1/admin/settings'),
  ])
  return { tenants: t.tenants, numbers: n.numbers, users: u.users, settings }
}

export function TenantsPage() {
  const { t } = useTranslation('tenants')
  const { data, error, reload } = useLoad(['tenants'], load)
  return (
    <div className="page">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />
      {data ? <GlobalSettings settings={data.settings} numbers={data.numbers} onChanged={reload} /> : null}
      <section className="card" aria-labelledby="tenants-title">
        <h2 id="tenants-title">{t('tenants')}</h2>
        <AddTenant onChanged={reload} />
        <div className="tenant-grid">
          {data?.tenants.map((x) => (
            <TenantCard key={x.id} tenant={x} numbers={data.numbers} onChanged={reload} />
          ))}
        </div>
      </section>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">{t('users.title')}</h2>
        <Users users={data?.users ?? []} tenants={data?.tenants ?? []} onChanged={reload} />
      </section>
    </div>
  )
}

function AddTenant(props: { onChanged: () => Promise<void> }) {
  const { t } = useTranslation('tenants')
  const [name, setName] = useState('')
  const add = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void add.run('add', async () => {
      await post('/api/v1/admin/tenants', { name: name.trim() })
      setName('')
      await props.onChanged()
    })
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <TextField label={t('add.label')} required maxLength={100} value={name} onValue={setName} />
      <button type="submit">{t('add.submit')}</button>
      <ErrorBox error={add.error} title={t('add.failed')} />
    </form>
  )
}
