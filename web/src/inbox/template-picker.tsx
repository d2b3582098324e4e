import type { TFunction } from 'i18next'
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, qs } from '../api.ts'
import type { Conversation, Template } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useLoad } from '../ui/server-state.ts'
import {
  buildComponents,
  missingValues,
  type ParamField,
  paramFields,
  preview,
  type Values,
} from '../ui/template-params.ts'

// Outside the 24-hour window WhatsApp only delivers approved templates: pick one of the number's
// WABA (by language), fill a field per parameter, see the message as the customer will.

const sortByName = (a: Template, b: Template) => a.name.localeCompare(b.name)

async function approvedTemplates(conversation: Conversation): Promise<Template[]> {
  const { templates } = await get<{ templates: Template[] }>(
    `/api/v1/templates${qs({ number_id: conversation.numberId, status: 'APPROVED' })}`,
  )
  return templates.filter((t) => t.status.toUpperCase() === 'APPROVED').sort(sortByName)
}

export function TemplatePicker(props: {
  conversation: Conversation
  sending: boolean
  onSend: (template: { name: string; language: { code: string }; components: unknown[] }) => Promise<boolean>
}) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const {
    data: templates,
    error,
    loading,
  } = useLoad(['approved-templates', props.conversation.numberId], () =>
    approvedTemplates(props.conversation),
  )
  const languages = useMemo(() => [...new Set((templates ?? []).map((t) => t.language))].sort(), [templates])
  const [language, setLanguage] = useState('')
  const [templateId, setTemplateId] = useState('')
  const [values, setValues] = useState<Values>({})
  const [tried, setTried] = useState(false)

  useEffect(() => {
    if (!language && languages.length) setLanguage(languages.includes('en_US') ? 'en_US' : languages[0])
  }, [languages, language])
  const choices = (templates ?? []).filter((x) => x.language === language)
  const template = choices.find((x) => x.id === templateId) ?? null
  useEffect(() => {
    if (template === null && choices.length) setTemplateId(choices[0].id)
  }, [template, choices])

  const fields = template ? paramFields(template) : []
  const missing = template ? missingValues(template, values) : []
  const view = template ? preview(template, values) : null

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (!template || missing.length) return
    const ok = await props.onSend({
      name: template.name,
      language: { code: template.language },
      components: buildComponents(template, values),
    })
    if (ok) {
      setValues({})
      setTried(false)
    }
  }

  return (
    <form className="template-picker" onSubmit={submit} aria-labelledby={`${ids}-title`}>
      <div className="template-head">
        <h2 id={`${ids}-title`} className="composer-title">
          {t('picker.title')}
        </h2>
        <p className="window-note">{t('picker.windowClosed')}</p>
      </div>
      <ErrorBox error={error} title={t('picker.loadFailed')} />
      {loading && !templates ? <p className="muted">{t('picker.loading')}</p> : null}
      {templates && templates.length === 0 ? <p className="notice">{t('picker.none')}</p> : null}
      {templates && templates.length > 0 ? (
        <div className="template-grid">
          <div className="template-form">
            <div className="field-row">
              <div className="field">
                <label htmlFor={`${ids}-lang`}>{t('picker.language')}</label>
                <select
                  id={`${ids}-lang`}
                  value={language}
                  onChange={(e) => {
                    setLanguage(e.target.value)
                    setTemplateId('')
                    setValues({})
                  }}
                >
                  {languages.map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field grow">
                <label htmlFor={`${ids}-template`}>{t('picker.template')}</label>
                <select
                  id={`${ids}-template`}
                  value={template?.id ?? ''}
                  onChange={(e) => {
                    setTemplateId(e.target.value)
                    setValues({})
                    setTried(false)
                  }}
                >
                  {choices.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} ({x.category?.toLowerCase() ?? t('picker.templateWord')})
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {fields.length === 0 && template ? <p className="muted small">{t('picker.noParams')}</p> : null}
            {fields.map((f) => {
              const invalid = tried && !(values[f.key] ?? '').trim()
              return (
                <div className="field" key={f.key}>
                  <label htmlFor={`${ids}-${f.key}`}>{paramLabel(t, f)}</label>
                  <input
                    id={`${ids}-${f.key}`}
                    type={f.kind === 'text' ? 'text' : 'url'}
                    value={values[f.key] ?? ''}
                    placeholder={f.example ? t('picker.example', { example: f.example }) : undefined}
                    aria-invalid={invalid}
                    aria-describedby={invalid ? `${ids}-${f.key}-err` : undefined}
                    onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
                  />
                  {invalid ? (
                    <span id={`${ids}-${f.key}-err`} className="field-error">
                      {t('picker.required')}
                    </span>
                  ) : null}
                </div>
              )
            })}
            <button type="submit" disabled={props.sending || !template}>
              {props.sending ? t('composer.sending') : t('picker.send')}
            </button>
          </div>
          {view ? (
            <figure className="template-preview" aria-label={t('picker.preview')}>
              <figcaption className="muted small">{t('picker.preview')}</figcaption>
              <div className="bubble preview-bubble">
                {view.header?.text ? <p className="preview-header">{view.header.text}</p> : null}
                {view.header?.media ? (
                  <p className="preview-media">
                    [{view.header.media}
                    {values['header:media'] ? `: ${values['header:media']}` : ''}]
                  </p>
                ) : null}
                <p className="preview-body" data-testid="template-preview-body">
                  {view.body.map((p, i) => (
                    <span
                      // biome-ignore lint/suspicious/noArrayIndexKey: parts of one preview
                      key={i}
                      className={p.param ? (p.missing ? 'param missing' : 'param') : undefined}
                    >
                      {p.text}
                    </span>
                  ))}
                </p>
                {view.footer ? <p className="preview-footer">{view.footer}</p> : null}
                {view.buttons.length ? (
                  <ul className="button-row" aria-label={t('picker.buttons')}>
                    {view.buttons.map((b) => (
                      <li key={b}>{b}</li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </figure>
          ) : null}
        </div>
      ) : null}
    </form>
  )
}

/** A parameter's label: "Body {{1}}", "Header image (https link)", "Link of button “Track order”"; a named one as written. */
function paramLabel(t: TFunction<'inbox'>, f: ParamField): string {
  if (f.where === 'button') return t('picker.param.button', { button: f.buttonText ?? '' })
  if (f.kind !== 'text') return t(`picker.param.headerMedia.${f.kind}`)
  if (f.where === 'body' && !/^\d+$/.test(f.name)) return f.name.replace(/_/g, ' ')
  return t(`picker.param.${f.where}`, { placeholder: `{{${f.name}}}` })
}
