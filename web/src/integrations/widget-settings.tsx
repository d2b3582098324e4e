import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post, put } from '../api.ts'
import type { PhoneNumber, Template, WidgetSettings } from '../api-types.ts'
import { Link } from '../router.tsx'
import { FieldError } from '../templates/field-error.tsx'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { fieldProblems, tenantPath } from './integrations-page.tsx'

// The tenant's website chat widget (decision 0068): on/off, the pages allowed to post the form,
// what the visitor gets (the chosen approved template on WhatsApp, or a wa.me click-to-chat
// link), the optional CAPTCHA check, and the tag to paste into the website with its publishable key.

// The spam defences the server applies to every widget (src/widget/submit.ts): fixed, shown here.
const perWebsite = 30
const perAddress = 5

export function WidgetSettingsPage(props: { tenantId: string }) {
  const { t } = useTranslation('integrations')
  const settings = useLoad(['widget-settings', props.tenantId], (signal) =>
    get<WidgetSettings>(tenantPath('widget/settings', props.tenantId), signal),
  )
  const choices = useLoad(['widget-templates', props.tenantId], async (signal) => {
    const [n, tp] = await Promise.all([
      get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers', signal),
      get<{ templates: Template[] }>('/api/v1/admin/templates', signal),
    ])
    const wabas = new Set(n.numbers.filter((x) => x.tenantId === props.tenantId).map((x) => x.wabaRowId))
    return tp.templates.filter((x) => x.status === 'APPROVED' && wabas.has(x.wabaRowId))
  })
  return (
    <div className="page integrations-page narrow-form">
      <PageHead
        title={t('widget.title')}
        intro={t('widget.intro')}
        error={settings.error ?? choices.error}
        errorTitle={t('loadFailed')}
      />
      <p>
        <Link href="/integrations">{t('back')}</Link>
      </p>
      {settings.data && choices.data ? (
        <WidgetForm
          tenantId={props.tenantId}
          settings={settings.data}
          templates={choices.data}
          onSaved={() => void settings.reload()}
        />
      ) : null}
    </div>
  )
}

function WidgetForm(props: {
  tenantId: string
  settings: WidgetSettings
  templates: Template[]
  onSaved: () => void
}) {
  const { t } = useTranslation('integrations')
  const ids = useId()
  const s = props.settings
  const [enabled, setEnabled] = useState(s.enabled)
  const [origins, setOrigins] = useState(s.allowedOrigins.join('\n'))
  const [mode, setMode] = useState(s.replyMode)
  const [template, setTemplate] = useState(s.template ? `${s.template.name}\u0000${s.template.language}` : '')
  const [captcha, setCaptcha] = useState(s.captchaVerifyUrl ?? '')
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const problems = fieldProblems(action.error)
  const said = (field: string) => {
    const p = problems[field]
    if (!p) return undefined
    if (field === 'allowedOrigins') return t('widget.originsInvalid', { detail: p.message })
    if (field === 'template') return t('widget.templateRequired')
    return p.message
  }
  const known = props.templates.map((x) => `${x.name}\u0000${x.language}`)
  const options = template && !known.includes(template) ? [template, ...known] : known

  const save = (e: FormEvent) => {
    e.preventDefault()
    void action.run('save', async () => {
      const [name, language] = template.split('\u0000')
      await put(tenantPath('widget/settings', props.tenantId), {
        enabled,
        allowedOrigins: origins
          .split(/[\s,]+/)
          .map((x) => x.trim())
          .filter(Boolean),
        replyMode: mode,
        ...(template ? { template: { name, language } } : mode === 'link' ? {} : { template: null }),
        captchaVerifyUrl: captcha.trim() || null,
      })
      props.onSaved()
      return t('widget.saved')
    })
  }
  const regenerate = async () => {
    if (
      !(await confirm({
        title: t('widget.rotateTitle'),
        body: t('widget.rotateBody'),
        confirmLabel: t('widget.rotate'),
      }))
    )
      return
    await action.run('rotate', async () => {
      await post(tenantPath('widget/settings/key', props.tenantId))
      props.onSaved()
      return t('widget.rotated')
    })
  }
  const fieldError = said('allowedOrigins') ?? said('template') ?? said('captchaVerifyUrl')

  return (
    <>
      {dialog}
      <section className="card" aria-labelledby={`${ids}-embed`}>
        <h2 id={`${ids}-embed`}>{t('widget.embedTitle')}</h2>
        <p className="muted small">{t('widget.embedHint')}</p>
        <CopyField label={t('widget.snippet')} value={s.embed} />
        <CopyField label={t('widget.key')} value={s.publicKey} />
        <p className="hint">{t('widget.keyHint')}</p>
        <button type="button" className="secondary" onClick={() => void regenerate()}>
          {t('widget.rotate')}
        </button>
        {!s.enabled ? <p className="notice">{t('widget.off')}</p> : null}
      </section>
      <form className="card widget-form" onSubmit={save} noValidate>
        <h2>{t('widget.settingsTitle')}</h2>
        <label className="tick">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          {t('widget.enabled')}
        </label>
        <div className="field">
          <label htmlFor={`${ids}-origins`}>{t('widget.origins')}</label>
          <textarea
            id={`${ids}-origins`}
            rows={3}
            value={origins}
            onChange={(e) => setOrigins(e.target.value)}
            placeholder={t('widget.originsPlaceholder')}
            aria-describedby={`${ids}-origins-hint`}
            spellCheck={false}
          />
          <p id={`${ids}-origins-hint`} className="hint">
            {t('widget.originsHint')}
          </p>
          <FieldError message={said('allowedOrigins')} />
        </div>
        <fieldset className="reply-mode">
          <legend>{t('widget.mode')}</legend>
          <label className="tick">
            <input
              type="radio"
              name={`${ids}-mode`}
              checked={mode === 'template'}
              onChange={() => setMode('template')}
            />
            {t('widget.modeTemplate')}
          </label>
          <label className="tick">
            <input
              type="radio"
              name={`${ids}-mode`}
              checked={mode === 'link'}
              onChange={() => setMode('link')}
            />
            {t('widget.modeLink')}
          </label>
        </fieldset>
        {mode === 'template' ? (
          <div className="field">
            <label htmlFor={`${ids}-template`}>{t('widget.template')}</label>
            <select id={`${ids}-template`} value={template} onChange={(e) => setTemplate(e.target.value)}>
              <option value="">{t('widget.templatePick')}</option>
              {options.map((v) => {
                const [name, language] = v.split('\u0000')
                return (
                  <option key={v} value={v}>
                    {t('widget.templateOption', { name, language })}
                  </option>
                )
              })}
            </select>
            {props.templates.length === 0 ? <p className="hint">{t('widget.noTemplates')}</p> : null}
            <FieldError message={said('template')} />
          </div>
        ) : null}
        <fieldset className="spam">
          <legend>{t('widget.spam')}</legend>
          <ul className="plain-list small">
            <li>{t('widget.rateLimits', { perWebsite, perAddress })}</li>
            <li>{t('widget.honeypot')}</li>
          </ul>
          <div className="field">
            <label htmlFor={`${ids}-captcha`}>{t('widget.captcha')}</label>
            <input
              id={`${ids}-captcha`}
              type="url"
              value={captcha}
              onChange={(e) => setCaptcha(e.target.value)}
              placeholder={t('widget.captchaPlaceholder')}
              aria-describedby={`${ids}-captcha-hint`}
              spellCheck={false}
            />
            <p id={`${ids}-captcha-hint`} className="hint">
              {t('widget.captchaHint')}
            </p>
            <FieldError message={said('captchaVerifyUrl')} />
          </div>
        </fieldset>
        <Success message={action.done} />
        {action.error && !fieldError ? (
          <ErrorBox error={action.error} title={t('actionFailed')} onDismiss={action.reset} />
        ) : null}
        <button type="submit" disabled={action.busy !== null}>
          {t('widget.save')}
        </button>
      </form>
    </>
  )
}
