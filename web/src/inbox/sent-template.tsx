import { createContext, type ReactNode, useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { get, qs } from '../api.ts'
import type { Template } from '../api-types.ts'
import { useLoad } from '../ui/server-state.ts'
import { preview, type TemplateLike, type Values } from '../ui/template-params.ts'
import { list, type Obj, obj, str } from './message-content.ts'

// A sent template as the customer saw it: the template's text (the number's WABA's templates,
// read once per thread) with the values of the send filled in — header (text, or the media it
// carried), body, footer, buttons. When the template is no longer known (deleted at Meta), the
// thread falls back to its name and values.

const TemplatesContext = createContext<Template[] | undefined>(undefined)

/** Loads the number's templates (every status: a sent one may be paused since) for the thread. */
export function SentTemplatesProvider(props: { numberId: string | undefined; children: ReactNode }) {
  const { data } = useLoad(['number-templates', props.numberId], async () =>
    props.numberId
      ? (await get<{ templates: Template[] }>(`/api/v1/templates${qs({ number_id: props.numberId })}`))
          .templates
      : [],
  )
  return <TemplatesContext.Provider value={data}>{props.children}</TemplatesContext.Provider>
}

/** The send's parameters as the preview's values (header:1, body:name, button:0:1…). */
export function valuesOfSend(template: TemplateLike, sent: Obj): { values: Values; media: string | null } {
  const values: Values = {}
  let media: string | null = null
  const named = (template.parameterFormat ?? '').toUpperCase() === 'NAMED'
  for (const c of list(sent.components)) {
    const type = str(c.type).toLowerCase()
    list(c.parameters).forEach((p, i) => {
      const kind = str(p.type)
      if (type === 'header' && kind !== 'text') {
        media = str(obj(p[kind]).link) || str(obj(p[kind]).id) || kind
        return
      }
      const value = str(p.text) || str(p.payload)
      if (type === 'button') values[`button:${str(c.index)}:${i + 1}`] = value
      else values[`${type}:${named && p.parameter_name ? str(p.parameter_name) : String(i + 1)}`] = value
    })
  }
  return { values, media }
}

export function SentTemplate(props: { sent: Obj; fallback: ReactNode }) {
  const { t } = useTranslation('inbox')
  const templates = useContext(TemplatesContext)
  const name = str(props.sent.name)
  const language = str(obj(props.sent.language).code)
  const template = templates?.find((x) => x.name === name && x.language === language)
  if (!template) return <>{props.fallback}</>
  const { values, media } = valuesOfSend(template, props.sent)
  const view = preview(template, values)
  return (
    <div className="template-sent rendered" data-template={name}>
      {view.header?.text ? <p className="preview-header">{view.header.text}</p> : null}
      {view.header?.media ? (
        <p className="preview-media">
          {media && /^https?:\/\//.test(media) ? (
            <a href={media} target="_blank" rel="noreferrer">
              {t(`message.kind.${view.header.media}`, { defaultValue: view.header.media })}
            </a>
          ) : (
            t(`message.kind.${view.header.media}`, { defaultValue: view.header.media })
          )}
        </p>
      ) : null}
      <p className="template-text">{view.body.map((p) => p.text).join('')}</p>
      {view.footer ? <p className="preview-footer">{view.footer}</p> : null}
      {view.buttons.length ? (
        <ul className="template-buttons">
          {view.buttons.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : null}
      <p className="template-name muted small">
        {t('message.templateNamed', { name })} ({language})
      </p>
    </div>
  )
}
