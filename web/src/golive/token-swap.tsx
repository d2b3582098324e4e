import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, post } from '../api.ts'
import type { TokenCheck } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { Success } from '../ui/success.tsx'
import { SecretField } from '../ui/text-field.tsx'

// The safe token swap (decision 0071): paste → Meta's view of the token (type, expiry,
// permissions, the WABAs it reaches) and whether it may replace the old one → Replace.

export function TokenSwap(props: { waba: { id: string; wabaId: string }; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('golive')
  const [token, setToken] = useState('')
  const [checked, setChecked] = useState<TokenCheck | null>(null)
  const action = useAction()
  const base = `/api/v1/admin/wabas/${encodeURIComponent(props.waba.id)}/token`
  const check = (e: FormEvent) => {
    e.preventDefault()
    setChecked(null)
    void action.run('check', async () => {
      setChecked(await post<TokenCheck>(`${base}/check`, { token: token.trim() }))
    })
  }
  const replace = () =>
    action.run('replace', async () => {
      await api('PUT', base, { token: token.trim() })
      setToken('')
      setChecked(null)
      await props.onChanged()
      return t('swap.replaced', { waba: props.waba.wabaId })
    })
  return (
    <div className="golive-action token-swap">
      <form onSubmit={check} className="stack-form" aria-label={t('swap.label')}>
        <SecretField label={t('swap.token')} value={token} onValue={setToken} />
        <button
          type="submit"
          className="secondary"
          disabled={action.busy !== null || token.trim().length < 16}
        >
          {action.busy === 'check' ? t('swap.checking') : t('swap.check')}
        </button>
      </form>
      {checked ? (
        <div className="token-check" role="status" aria-label={t('swap.result')}>
          <p>
            {t('swap.type', { type: checked.type ?? '—' })} ·{' '}
            {checked.expiresAt
              ? t('swap.expires', { at: formatDateTime(checked.expiresAt) })
              : t('swap.never')}
          </p>
          <p className="small">{t('swap.scopes', { list: checked.scopes.join(', ') || '—' })}</p>
          <p className="small">{t('swap.wabas', { list: checked.wabaIds.join(', ') || '—' })}</p>
          {checked.warnings.map((w) => (
            <p key={w} className="notice small">
              {w}
            </p>
          ))}
          {checked.refusal ? (
            <p className="notice">
              <strong>{checked.refusal.code}</strong> {checked.refusal.message} {checked.refusal.fix}
            </p>
          ) : (
            <button type="button" onClick={() => void replace()} disabled={action.busy !== null}>
              {t('swap.replace')}
            </button>
          )}
        </div>
      ) : null}
      <Success message={action.done} />
      <ErrorBox error={action.error} title={t('swap.failed')} />
    </div>
  )
}
