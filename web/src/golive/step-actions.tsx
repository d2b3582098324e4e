import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, patch, post } from '../api.ts'
import type { GoliveGuide, GoliveStep, MetaApp, PhoneNumber, Template, Tenant } from '../api-types.ts'
import { AddWaba } from '../channels/add-waba.tsx'
import { MetaAppStep } from '../channels/meta-app-step.tsx'
import { NumberTools } from '../channels/number-tools.tsx'
import { SendTest } from '../templates/send-test.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TextField } from '../ui/text-field.tsx'
import { TokenSwap } from './token-swap.tsx'

// What Wahub can do for a step, right under it: the same forms as the Channels and Templates
// pages (one implementation each), so the whole way to a live number can be walked here.

type Props = { step: GoliveStep; guide: GoliveGuide; onChanged: () => Promise<void> }

export function StepAction(props: Props) {
  const { step, guide } = props
  switch (step.id) {
    case 'app.connected':
      return <AppAction onChanged={props.onChanged} />
    case 'waba.connected':
      return <AddWaba onChanged={props.onChanged} />
    case 'token.permanent':
    case 'token.scopes':
      return guide.waba && !guide.number?.isSandbox ? (
        <TokenSwap waba={guide.waba} onChanged={props.onChanged} />
      ) : null
    case 'number.registered':
    case 'webhook.callback':
      return guide.number ? <NumberAction id={guide.number.id} onChanged={props.onChanged} /> : null
    case 'webhook.subscribed':
      return guide.waba ? <SubscribeAction wabaId={guide.waba.id} onChanged={props.onChanged} /> : null
    case 'tenant.assigned':
      return guide.number ? <AssignAction guide={guide} onChanged={props.onChanged} /> : null
    case 'message.delivered':
      return guide.number && guide.waba ? <FirstMessage guide={guide} /> : null
    default:
      return null
  }
}

function AppAction(props: { onChanged: () => Promise<void> }) {
  const apps = useLoad(['golive', 'apps'], () => get<{ apps: MetaApp[] }>('/api/v1/admin/apps'))
  return (
    <MetaAppStep
      apps={apps.data?.apps ?? []}
      onChanged={async () => {
        await apps.reload()
        await props.onChanged()
      }}
    />
  )
}

function NumberAction(props: { id: string; onChanged: () => Promise<void> }) {
  const n = useLoad(['golive', 'number', props.id], () =>
    get<PhoneNumber>(`/api/v1/admin/numbers/${encodeURIComponent(props.id)}`),
  )
  return n.data ? <NumberTools number={n.data} onChanged={props.onChanged} /> : null
}

function SubscribeAction(props: { wabaId: string; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('golive')
  const action = useAction()
  const run = () =>
    action.run('subscribe', async () => {
      await post(`/api/v1/admin/wabas/${encodeURIComponent(props.wabaId)}/webhook/subscribe`)
      await props.onChanged()
      return t('subscribed')
    })
  return (
    <div className="golive-action">
      <button type="button" onClick={() => void run()} disabled={action.busy !== null}>
        {t('subscribe')}
      </button>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('actionFailed')} />
    </div>
  )
}

function AssignAction(props: { guide: GoliveGuide; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('golive')
  const carried = props.guide.sandbox?.tenant ?? null
  const [name, setName] = useState('')
  const action = useAction()
  const number = props.guide.number?.phoneNumberId ?? ''
  const assign = (e: FormEvent) => {
    e.preventDefault()
    void action.run('assign', async () => {
      if (carried && !name.trim()) {
        // The Sandbox's tenant takes the real number as its default (decision 0083).
        await post('/api/v1/admin/golive/sandbox', { number })
        await props.onChanged()
        return t('assigned', { tenant: carried.name })
      }
      const tenants = await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')
      const wanted = name.trim()
      const found = tenants.tenants.find((x) => x.name === wanted)
      if (found) await patch(`/api/v1/admin/tenants/${encodeURIComponent(found.id)}`, { numbers: [number] })
      else await post('/api/v1/admin/tenants', { name: wanted, numbers: [number], defaultNumber: number })
      await props.onChanged()
      return t('assigned', { tenant: wanted })
    })
  }
  return (
    <form className="golive-action inline-form" onSubmit={assign} aria-label={t('assignLabel')}>
      <TextField
        label={t('tenantName')}
        value={name}
        placeholder={carried?.name}
        required={!carried}
        onValue={setName}
      />
      <button type="submit" disabled={action.busy !== null}>
        {carried && !name.trim() ? t('assignCarried', { tenant: carried.name }) : t('assign')}
      </button>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('actionFailed')} />
    </form>
  )
}

function FirstMessage(props: { guide: GoliveGuide }) {
  const { t } = useTranslation('golive')
  const waba = props.guide.waba?.id ?? ''
  const data = useLoad(['golive', 'send', waba, props.guide.generatedAt], async () => {
    const [templates, numbers] = await Promise.all([
      get<{ templates: Template[] }>('/api/v1/admin/templates?status=APPROVED'),
      get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    ])
    return {
      templates: templates.templates.filter((x) => x.wabaRowId === waba),
      numbers: numbers.numbers.filter((n) => n.id === props.guide.number?.id),
    }
  })
  const [chosen, setChosen] = useState('')
  const templates = data.data?.templates ?? []
  const template = templates.find((x) => x.id === chosen) ?? templates[0]
  if (!template) return null
  return (
    <div className="golive-action">
      <label>
        {t('template')}{' '}
        <select value={template.id} onChange={(e) => setChosen(e.target.value)}>
          {templates.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name} ({x.language})
            </option>
          ))}
        </select>
      </label>
      <SendTest
        key={template.id}
        template={template}
        numbers={data.data?.numbers ?? []}
        onClose={() => setChosen('')}
      />
    </div>
  )
}
