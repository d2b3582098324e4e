import './channels.css'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { MetaApp, PhoneNumber, Tenant, Waba } from '../api-types.ts'
import { PageHead } from '../ui/page-head.tsx'
import { useLoad } from '../ui/server-state.ts'
import { TableHead } from '../ui/table-head.tsx'
import { AddNumber } from './add-number.tsx'
import { AddWaba } from './add-waba.tsx'
import { DoctorPanel } from './doctor-report.tsx'
import { MetaAppStep } from './meta-app-step.tsx'
import { NumberRow } from './number-row.tsx'
import { WabasTable } from './wabas-table.tsx'

// Channels (seed 003's setup screens, done right): the Meta app with the callback URL and verify
// token to paste into the App Dashboard, WABAs and numbers (quality, tier, throughput,
// registration), adding a WABA (its token is checked by Meta first: a bad one is refused with the
// fix), registering with the PIN, the webhook override, and the doctor.

type Data = { apps: MetaApp[]; wabas: Waba[]; numbers: PhoneNumber[]; tenants: Tenant[] }

async function loadAll(): Promise<Data> {
  const [apps, wabas, numbers, tenants] = await Promise.all([
    get<{ apps: MetaApp[] }>('/api/v1/admin/apps'),
    get<{ wabas: Waba[] }>('/api/v1/admin/wabas'),
    get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
  ])
  return { apps: apps.apps, wabas: wabas.wabas, numbers: numbers.numbers, tenants: tenants.tenants }
}

export function ChannelsPage() {
  const { t } = useTranslation('channels')
  const { data, error, reload } = useLoad(['channels'], loadAll)
  const [open, setOpen] = useState<string | null>(null)
  const tenantName = (id: string | null) => (id ? (data?.tenants.find((x) => x.id === id)?.name ?? id) : null)

  return (
    <div className="page">
      <PageHead title={t('title')} intro={t('intro')} error={error} errorTitle={t('loadFailed')} />

      <section className="card" aria-labelledby="doctor-title">
        <h2 id="doctor-title">{t('doctor.title')}</h2>
        <p className="muted">{t('doctor.intro')}</p>
        <DoctorPanel label={t('doctor.run')} />
      </section>

      <section className="card" aria-labelledby="numbers-title">
        <h2 id="numbers-title">{t('numbers.title')}</h2>
        {data && data.numbers.length === 0 ? <p className="notice">{t('numbers.none')}</p> : null}
        {data && data.numbers.length > 0 ? (
          <div className="table-wrap">
            <table className="numbers-table">
              <caption className="visually-hidden">{t('numbers.caption')}</caption>
              <TableHead
                columns={[
                  t('numbers.number'),
                  t('numbers.quality'),
                  t('numbers.limit'),
                  t('numbers.throughput'),
                  t('numbers.registration'),
                  t('numbers.tenant'),
                ]}
                actions={t('numbers.actions')}
              />
              <tbody>
                {data.numbers.map((n) => (
                  <NumberRow
                    key={n.id}
                    number={n}
                    tenant={tenantName(n.tenantId)}
                    open={open === n.id}
                    onToggle={() => setOpen(open === n.id ? null : n.id)}
                    onChanged={reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="connect-title">
        <h2 id="connect-title">{t('connect.title')}</h2>
        <ol className="steps">
          <li>
            <MetaAppStep apps={data?.apps ?? []} onChanged={reload} />
          </li>
          <li>
            <AddWaba onChanged={reload} />
          </li>
          <li>
            <AddNumber wabas={data?.wabas ?? []} onChanged={reload} />
          </li>
        </ol>
      </section>

      {data?.wabas.length ? <WabasTable wabas={data.wabas} tenantName={tenantName} /> : null}
    </div>
  )
}
