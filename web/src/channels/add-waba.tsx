import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { PhoneNumber, Waba } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { SecretField, TextField } from '../ui/text-field.tsx'

type Connected = { waba: Waba; imported: number; warnings: string[] }

/** Step 2: a WABA with its token (Meta checks it first), then its numbers imported. */
export function AddWaba(props: { onChanged: () => Promise<void> }) {
  const { t } = useTranslation('channels')
  const [wabaId, setWabaId] = useState('')
  const [token, setToken] = useState('')
  const [name, setName] = useState('')
  const [done, setDone] = useState<Connected | null>(null)
  const connect = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setDone(null)
    void connect.run('connect', async () => {
      const added = await post<{ waba: Waba; token: { warnings: string[] } }>('/api/v1/admin/wabas', {
        wabaId: wabaId.trim(),
        token: token.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
      })
      const imported = await post<{ numbers: PhoneNumber[] }>(
        `/api/v1/admin/wabas/${encodeURIComponent(added.waba.id)}/numbers/import`,
      )
      setDone({ waba: added.waba, imported: imported.numbers.length, warnings: added.token.warnings })
      setToken('')
      await props.onChanged()
    })
  }
  return (
    <div className="step">
      <h3>{t('waba.title')}</h3>
      <p className="muted">{t('waba.intro')}</p>
      <form onSubmit={submit} className="stack-form" aria-label={t('waba.formLabel')}>
        <TextField label={t('waba.wabaId')} inputMode="numeric" required value={wabaId} onValue={setWabaId} />
        <SecretField label={t('waba.token')} value={token} onValue={setToken} />
        <TextField label={t('waba.name')} value={name} onValue={setName} />
        <ErrorBox error={connect.error} title={t('waba.failed')} />
        <button type="submit" disabled={connect.busy !== null}>
          {connect.busy ? t('waba.checking') : t('waba.connect')}
        </button>
      </form>
      {done ? (
        <div className="success" role="status">
          {t('waba.connected', { wabaId: done.waba.wabaId, count: done.imported })}
          {done.warnings.map((w) => (
            <p key={w} className="notice">
              {w}
            </p>
          ))}
        </div>
      ) : null}
    </div>
  )
}
