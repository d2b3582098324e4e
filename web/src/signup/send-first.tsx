import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post } from '../api.ts'
import type { Template } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { TextField } from '../ui/text-field.tsx'

/** The connected number's first message: an approved template without parameters, to one phone. */
export function SendFirst(props: { phoneNumberId: string }) {
  const { t } = useTranslation('signup')
  const list = useLoad(['signup', 'templates', props.phoneNumberId], () =>
    get<{ templates: Template[] }>(
      `/api/v1/templates?status=APPROVED&number_id=${encodeURIComponent(props.phoneNumberId)}`,
    ),
  )
  const templates = list.data?.templates ?? []
  const [chosen, setChosen] = useState('')
  const [to, setTo] = useState('')
  const action = useAction()
  const template = templates.find((x) => x.id === chosen) ?? templates[0]
  const send = (e: FormEvent) => {
    e.preventDefault()
    if (!template) return
    void action.run('send', async () => {
      await post('/api/v1/messages', {
        from: props.phoneNumberId,
        to,
        type: 'template',
        template: { name: template.name, language: { code: template.language } },
      })
      return t('sent', { to })
    })
  }
  return (
    <form className="card stack-form" onSubmit={send} aria-label={t('sendLabel')}>
      <h2>{t('sendTitle')}</h2>
      <label>
        {t('template')}{' '}
        <select value={template?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
          {templates.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name} ({x.language})
            </option>
          ))}
        </select>
      </label>
      <TextField label={t('to')} type="tel" required value={to} onValue={setTo} />
      <button type="submit" disabled={action.busy !== null || !template}>
        {t('send')}
      </button>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('failed')} />
    </form>
  )
}
