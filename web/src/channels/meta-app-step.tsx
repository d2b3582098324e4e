import { type FormEvent, useId, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { AddAppResult, MetaApp } from '../api-types.ts'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { SecretField, TextField } from '../ui/text-field.tsx'

const callbackFallback = () => `${window.location.origin}/webhooks/whatsapp`

/** Step 1: the Meta app — the callback URL and verify token to paste into Meta's App Dashboard. */
export function MetaAppStep(props: { apps: MetaApp[]; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('channels')
  const ids = useId()
  const [appId, setAppId] = useState('')
  const [secret, setSecret] = useState('')
  const [verifyToken, setVerifyToken] = useState('')
  const [result, setResult] = useState<AddAppResult>()
  const save = useAction()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void save.run('save', async () => {
      setResult(
        await post<AddAppResult>('/api/v1/admin/apps', {
          appId: appId.trim(),
          appSecret: secret.trim(),
          ...(verifyToken.trim() ? { verifyToken: verifyToken.trim() } : {}),
        }),
      )
      setSecret('')
      await props.onChanged()
    })
  }
  return (
    <div className="step">
      <h3>{t('app.title')}</h3>
      <p className="muted">
        <Trans t={t} i18nKey="app.intro" components={{ strong: <strong /> }} />
      </p>
      <CopyField label={t('app.callbackUrl')} value={result?.callbackUrl ?? callbackFallback()} />
      {result?.verifyToken ? (
        <>
          <CopyField label={t('app.verifyTokenOnce')} value={result.verifyToken} />
          <p className="hint">{t('app.copyNow')}</p>
        </>
      ) : null}
      {result?.warnings.map((w) => (
        <p key={w} className="notice">
          {w}
        </p>
      ))}
      {props.apps.length ? (
        <ul className="plain-list">
          {props.apps.map((a) => (
            <li key={a.id}>
              {t('app.app')} <span className="mono">{a.appId}</span> {a.name ? `(${a.name})` : ''} ·{' '}
              {t('app.secretLast4', { last4: a.appSecretLast4 ?? '—' })} ·{' '}
              {t('app.verifyLast4', { last4: a.verifyTokenLast4 })}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="disclosure">
        <summary>{props.apps.length ? t('app.addAnother') : t('app.add')}</summary>
        <form onSubmit={submit} className="stack-form">
          <TextField label={t('app.appId')} inputMode="numeric" required value={appId} onValue={setAppId} />
          <SecretField label={t('app.secret')} value={secret} onValue={setSecret} />
          <TextField
            label={t('app.verifyToken')}
            autoComplete="off"
            value={verifyToken}
            aria-describedby={`${ids}-verify-hint`}
            onValue={setVerifyToken}
          />
          <p id={`${ids}-verify-hint`} className="hint">
            {t('app.verifyHint')}
          </p>
          <ErrorBox error={save.error} title={t('app.failed')} />
          <button type="submit" disabled={save.busy !== null}>
            {save.busy ? t('saving') : t('app.save')}
          </button>
        </form>
      </details>
    </div>
  )
}
