import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { PhoneNumber, Waba } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { TextField } from '../ui/text-field.tsx'

/** Step 3: one number added to a WABA later, by its phone number ID. */
export function AddNumber(props: { wabas: Waba[]; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('channels')
  const ids = useId()
  const [phoneNumberId, setPhoneNumberId] = useState('')
  const [waba, setWaba] = useState('')
  const [done, setDone] = useState<PhoneNumber | null>(null)
  const add = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setDone(null)
    void add.run('add', async () => {
      setDone(
        await post<PhoneNumber>('/api/v1/admin/numbers', {
          phoneNumberId: phoneNumberId.trim(),
          wabaId: waba || props.wabas[0]?.wabaId || '',
        }),
      )
      await props.onChanged()
    })
  }
  return (
    <div className="step">
      <h3>{t('number.title')}</h3>
      <p className="muted">{t('number.intro')}</p>
      <form onSubmit={submit} className="stack-form" aria-label={t('number.formLabel')}>
        <TextField
          label={t('number.phoneNumberId')}
          inputMode="numeric"
          required
          value={phoneNumberId}
          onValue={setPhoneNumberId}
        />
        <label htmlFor={`${ids}-waba`}>{t('number.waba')}</label>
        <select id={`${ids}-waba`} value={waba} onChange={(e) => setWaba(e.target.value)}>
          {props.wabas.map((w) => (
            <option key={w.id} value={w.wabaId}>
              {w.name ?? t('wabas.waba')} {w.wabaId}
            </option>
          ))}
        </select>
        <ErrorBox error={add.error} title={t('number.failed')} />
        <button type="submit" disabled={add.busy !== null || props.wabas.length === 0}>
          {add.busy ? t('number.adding') : t('number.add')}
        </button>
      </form>
      {done ? (
        <p className="success" role="status">
          {t('number.added', { number: done.displayPhoneNumber ?? done.phoneNumberId })}
        </p>
      ) : null}
    </div>
  )
}
