import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import { FieldError } from '../templates/field-error.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useLoad } from '../ui/server-state.ts'
import { fieldProblems } from './integrations-page.tsx'

// The fields of a subscription, to create one or change it: the URL (https, except loopback or a
// dev instance: said next to it), a description, and the event types grouped as the API names
// them (`group.*` takes every kind of the group, also ones added later; `*` takes everything).
// The server's refusal is shown next to the field it names, in the reader's language.

export type SubscriptionDraft = { url: string; description: string; events: string[] }

export function SubscriptionForm(props: {
  initial: SubscriptionDraft
  submitLabel: string
  busy: boolean
  error: unknown
  onSubmit: (draft: SubscriptionDraft) => void
  onDismissError: () => void
}) {
  const { t } = useTranslation('integrations')
  const ids = useId()
  const [url, setUrl] = useState(props.initial.url)
  const [description, setDescription] = useState(props.initial.description)
  const [events, setEvents] = useState<string[]>(props.initial.events)
  const types = useLoad(['subscription-event-types'], async (signal) => {
    const r = await get<{ eventTypes: string[] }>('/api/v1/webhook-subscriptions/event-types', signal)
    return r.eventTypes
  })
  const problems = fieldProblems(props.error)
  const said = (field: string) => {
    const p = problems[field]
    if (!p) return undefined
    if (field === 'url' && p.problem === 'https required') return t('form.urlHttps')
    if (field === 'url' && p.problem === 'format') return t('form.urlFormat')
    if (field === 'events') return t('form.eventsInvalid')
    return p.message
  }
  const fieldError = said('url') ?? said('events') ?? said('description')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    props.onSubmit({ url: url.trim(), description: description.trim(), events })
  }
  const all = types.data ?? []
  const groups = [...new Set(all.filter((x) => x.endsWith('.*')).map((x) => x.slice(0, -2)))]
  const everything = events.includes('*')
  const toggle = (value: string, on: boolean) =>
    setEvents((cur) => (on ? [...cur.filter((x) => x !== value), value] : cur.filter((x) => x !== value)))

  return (
    <form className="subscription-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${ids}-url`}>{t('form.url')}</label>
        <input
          id={`${ids}-url`}
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          placeholder={t('form.urlPlaceholder')}
          aria-describedby={`${ids}-url-hint`}
          aria-invalid={said('url') ? true : undefined}
          spellCheck={false}
        />
        <p id={`${ids}-url-hint`} className="hint">
          {t('form.urlHint')}
        </p>
        <FieldError message={said('url')} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-description`}>{t('form.description')}</label>
        <input
          id={`${ids}-description`}
          value={description}
          maxLength={200}
          onChange={(e) => setDescription(e.target.value)}
          placeholder={t('form.descriptionPlaceholder')}
        />
        <FieldError message={said('description')} />
      </div>
      <fieldset className="event-picker">
        <legend>{t('form.events')}</legend>
        <p className="hint">{t('form.eventsHint')}</p>
        <label className="tick">
          <input type="checkbox" checked={everything} onChange={(e) => toggle('*', e.target.checked)} />
          {t('events.everything')} <code>*</code>
        </label>
        <div className="event-groups">
          {groups.map((g) => {
            const wildcard = `${g}.*`
            const kinds = all.filter((x) => x.startsWith(`${g}.`) && x !== wildcard)
            const whole = everything || events.includes(wildcard)
            return (
              <fieldset key={g} className="event-group" disabled={everything}>
                <legend>{t(`events.groups.${g}`, { defaultValue: g })}</legend>
                <label className="tick">
                  <input
                    type="checkbox"
                    checked={whole}
                    onChange={(e) => toggle(wildcard, e.target.checked)}
                  />
                  {t('events.allOf', { group: t(`events.groups.${g}`, { defaultValue: g }) })}{' '}
                  <code>{wildcard}</code>
                </label>
                {kinds.map((k) => (
                  <label key={k} className="tick">
                    <input
                      type="checkbox"
                      checked={whole || events.includes(k)}
                      disabled={whole}
                      onChange={(e) => toggle(k, e.target.checked)}
                    />
                    <code>{k}</code>
                  </label>
                ))}
              </fieldset>
            )
          })}
        </div>
        <FieldError message={said('events')} />
      </fieldset>
      {props.error && !fieldError ? (
        <ErrorBox error={props.error} title={t('actionFailed')} onDismiss={props.onDismissError} />
      ) : null}
      <button type="submit" disabled={props.busy || events.length === 0}>
        {props.submitLabel}
      </button>
      {events.length === 0 ? <p className="hint">{t('form.eventsNone')}</p> : null}
    </form>
  )
}
