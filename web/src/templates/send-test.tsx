import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { PhoneNumber, Template } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { buildComponents, paramFields, type Values } from '../ui/template-params.ts'
import { TextField } from '../ui/text-field.tsx'

// "Send test": one approved template to one phone, from a number of its WABA, with a value for
// each parameter (the examples are offered) — through the same send API as everything else, so
// Meta's rules answer here exactly as they would for an API caller.

export function SendTest(props: { template: Template; numbers: PhoneNumber[]; onClose: () => void }) {
  const { t } = useTranslation('templates')
  const id = useId()
  const x = props.template
  const senders = props.numbers.filter((n) => n.wabaRowId === x.wabaRowId && n.tenantId)
  const fields = paramFields(x)
  const [from, setFrom] = useState(senders[0]?.id ?? '')
  const [to, setTo] = useState('')
  const [values, setValues] = useState<Values>(() =>
    Object.fromEntries(fields.filter((f) => f.kind === 'text').map((f) => [f.key, f.example])),
  )
  const action = useAction()

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void action.run('send', async () => {
      const sent = await post<{ id: string }>('/api/v1/messages', {
        from,
        to,
        type: 'template',
        template: { name: x.name, language: { code: x.language }, components: buildComponents(x, values) },
      })
      return t('sendTest.queued', { to, id: sent.id })
    })
  }

  return (
    <section className="card send-test" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>{t('sendTest.title', { name: x.name, language: x.language })}</h2>
        <button type="button" className="link-button" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
      {senders.length === 0 ? <p className="notice">{t('sendTest.noNumber')}</p> : null}
      <form onSubmit={submit} className="send-test-form">
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('sendTest.from')}</label>
          <select id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)} required>
            {senders.map((n) => (
              <option key={n.id} value={n.id}>
                {n.displayPhoneNumber ?? n.phoneNumberId}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <TextField
            label={t('sendTest.to')}
            type="tel"
            value={to}
            required
            placeholder={t('sendTest.toExample')}
            onValue={setTo}
          />
        </div>
        {fields.map((f) => (
          <div className="field" key={f.key}>
            <TextField
              label={t(`sendTest.param.${f.where}`, { name: f.name })}
              type={f.kind === 'text' ? 'text' : 'url'}
              value={values[f.key] ?? ''}
              required
              placeholder={f.example}
              onValue={(value) => setValues((v) => ({ ...v, [f.key]: value }))}
            />
          </div>
        ))}
        <button type="submit" disabled={action.busy !== null || senders.length === 0}>
          {action.busy ? t('sendTest.sending') : t('sendTest.send')}
        </button>
      </form>
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('sendTest.failed')} />
    </section>
  )
}
