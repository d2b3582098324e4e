import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { Audience, Campaign, CampaignParameter, PhoneNumber, Template } from '../api-types.ts'
import { Link, navigate } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { SelectField } from '../ui/select-field.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { paramFields } from '../ui/template-params.ts'
import { TextField } from '../ui/text-field.tsx'
import { AudienceImport } from './audience-import.tsx'
import { campaignHref, tenantPath } from './campaigns-page.tsx'
import { browserTimeZone, validTimeZone, zonedToEpoch } from './zoned-time.ts'

// A new campaign: the audience (a CSV), the number and an approved template of its WABA, each
// placeholder's value (a CSV column or fixed text), when (now or a time in a time zone, optional
// quiet hours) and how fast. Saving makes a draft; its page dry runs and launches it.

type Source = { from: 'attribute' | 'text'; value: string }

export function CampaignCreate(props: { tenantId: string }) {
  const { t } = useTranslation('campaigns')
  const { tenantId } = props
  const data = useLoad(['campaign-form'], async (signal) => {
    const [n, tp] = await Promise.all([
      get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers', signal),
      get<{ templates: Template[] }>('/api/v1/admin/templates', signal),
    ])
    return { numbers: n.numbers, templates: tp.templates }
  })
  const numbers = (data.data?.numbers ?? []).filter((n) => n.tenantId === tenantId)
  const [audience, setAudience] = useState<Audience | null>(null)
  const [name, setName] = useState('')
  const [numberId, setNumberId] = useState('')
  const number = numbers.find((n) => n.id === numberId) ?? numbers[0]
  const templates = (data.data?.templates ?? []).filter(
    (x) => x.status === 'APPROVED' && number && x.wabaRowId === number.wabaRowId,
  )
  const [templateId, setTemplateId] = useState('')
  const template = templates.find((x) => x.id === templateId) ?? templates[0]
  const fields = useMemo(
    () => (template ? paramFields(template).filter((f) => f.where !== 'button' && f.kind === 'text') : []),
    [template],
  )
  const [sources, setSources] = useState<Record<string, Source>>({})
  const [when, setWhen] = useState<'now' | 'later'>('now')
  const [startAt, setStartAt] = useState('')
  const [timeZone, setTimeZone] = useState(browserTimeZone)
  const [quiet, setQuiet] = useState(false)
  const [quietFrom, setQuietFrom] = useState('21:00')
  const [quietTo, setQuietTo] = useState('08:00')
  const [rate, setRate] = useState('')
  const action = useAction()
  const columns = audience?.columns ?? []

  const sourceOf = (key: string): Source =>
    sources[key] ?? (columns.length ? { from: 'attribute', value: columns[0] } : { from: 'text', value: '' })

  const save = () =>
    action.run('create', async () => {
      if (!audience) throw new Error(t('create.needAudience'))
      if (!template || !number) throw new Error(t('create.needTemplate'))
      if (!validTimeZone(timeZone)) throw new Error(t('create.badTimeZone', { timeZone }))
      const start = when === 'later' ? zonedToEpoch(startAt, timeZone) : null
      if (when === 'later' && start === null) throw new Error(t('create.needStart'))
      const parameters: CampaignParameter[] = fields.map((f) => {
        const s = sourceOf(f.key)
        return {
          component: f.where === 'header' ? 'header' : 'body',
          ...(template.parameterFormat === 'NAMED' ? { name: f.name } : {}),
          ...(s.from === 'attribute' ? { attribute: s.value } : { text: s.value }),
        }
      })
      const c = await post<Campaign>(tenantPath('campaigns', tenantId), {
        name: name.trim() || audience.name,
        audienceId: audience.id,
        from: number.id,
        template: { name: template.name, language: template.language },
        parameters,
        timeZone,
        ...(start !== null ? { startAt: start } : {}),
        ...(quiet ? { quietHours: `${quietFrom}-${quietTo}` } : {}),
        ...(rate ? { rateMps: Number(rate) } : {}),
      })
      navigate(campaignHref(tenantId, encodeURIComponent(c.id)))
    })

  return (
    <div className="page campaigns-page">
      <PageHead
        title={t('create.title')}
        intro={t('create.intro')}
        error={data.error}
        errorTitle={t('loadFailed')}
      />
      <p>
        <Link href="/campaigns">{t('back')}</Link>
      </p>
      <AudienceImport tenantId={tenantId} audience={audience} onImported={setAudience} />
      <form
        className="campaign-form"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <fieldset className="campaign-step">
          <legend>{t('create.message')}</legend>
          <div className="field">
            <TextField
              label={t('create.name')}
              value={name}
              onValue={setName}
              maxLength={100}
              placeholder={audience?.name}
            />
          </div>
          <SelectField
            label={t('create.number')}
            value={number?.id ?? ''}
            onValue={setNumberId}
            options={numbers.map(
              (n) => [n.id, `${n.displayPhoneNumber ?? n.phoneNumberId} · ${n.verifiedName ?? ''}`] as const,
            )}
          />
          {data.data && numbers.length === 0 ? <p className="notice">{t('create.noNumber')}</p> : null}
          <SelectField
            label={t('create.template')}
            value={template?.id ?? ''}
            onValue={setTemplateId}
            options={templates.map((x) => [x.id, `${x.name} (${x.language})`] as const)}
          />
          {template ? <p className="muted small template-text">{template.preview.text}</p> : null}
          {fields.map((f) => {
            const s = sourceOf(f.key)
            return (
              <div className="param-row" key={f.key} data-param={f.name}>
                <SelectField
                  label={t('create.param', { name: `{{${f.name}}}`, where: t(`create.where.${f.where}`) })}
                  value={s.from === 'attribute' ? `col:${s.value}` : 'text'}
                  onValue={(v) =>
                    setSources({
                      ...sources,
                      [f.key]:
                        v === 'text' ? { from: 'text', value: '' } : { from: 'attribute', value: v.slice(4) },
                    })
                  }
                >
                  {columns.map((c) => (
                    <option key={c} value={`col:${c}`}>
                      {t('create.column', { column: c })}
                    </option>
                  ))}
                  <option value="text">{t('create.fixed')}</option>
                </SelectField>
                {s.from === 'text' ? (
                  <div className="field">
                    <TextField
                      label={t('create.fixedValue')}
                      value={s.value}
                      placeholder={f.example}
                      required
                      onValue={(v) => setSources({ ...sources, [f.key]: { from: 'text', value: v } })}
                    />
                  </div>
                ) : null}
              </div>
            )
          })}
        </fieldset>
        <fieldset className="campaign-step">
          <legend>{t('create.schedule')}</legend>
          <SelectField
            label={t('create.when')}
            value={when}
            onValue={(v) => setWhen(v === 'later' ? 'later' : 'now')}
            options={[
              ['now', t('create.whenNow')],
              ['later', t('create.whenLater')],
            ]}
          />
          {when === 'later' ? (
            <div className="field">
              <TextField
                type="datetime-local"
                label={t('create.startAt')}
                value={startAt}
                onValue={setStartAt}
                required
              />
            </div>
          ) : null}
          <div className="field">
            <TextField label={t('create.timeZone')} value={timeZone} onValue={setTimeZone} required />
          </div>
          <label className="checkbox quiet-check">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />
            {t('create.quiet')}
          </label>
          {quiet ? (
            <div className="row">
              <div className="field">
                <TextField
                  type="time"
                  label={t('create.quietFrom')}
                  value={quietFrom}
                  onValue={setQuietFrom}
                  required
                />
              </div>
              <div className="field">
                <TextField
                  type="time"
                  label={t('create.quietTo')}
                  value={quietTo}
                  onValue={setQuietTo}
                  required
                />
              </div>
            </div>
          ) : null}
          <div className="field">
            <TextField
              type="number"
              min={1}
              max={number?.throughputMps ?? 1000}
              label={t('create.rate', { max: number?.throughputMps ?? 80 })}
              value={rate}
              onValue={setRate}
            />
          </div>
        </fieldset>
        <ErrorBox error={action.error} title={t('create.failed')} onDismiss={action.reset} />
        <button type="submit" disabled={action.busy !== null || !audience || !template}>
          {action.busy ? t('create.saving') : t('create.save')}
        </button>
      </form>
    </div>
  )
}
