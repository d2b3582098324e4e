import './auth.css'
import { type FormEvent, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { SecretField } from '../ui/text-field.tsx'

/** The first-run change: a user with a one-time password must choose their own before anything else. */
export function PasswordPage(props: { user: User; onChanged: () => void; onSignOut: () => void }) {
  const { t } = useTranslation('auth')
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const save = useAction()
  const mismatch = confirm.length > 0 && next !== confirm

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (next !== confirm) return save.fail(new Error(t('password.differ')))
    if (next.length < 10) return save.fail(new Error(t('password.tooShort')))
    void save.run('save', async () => {
      await post('/api/v1/auth/password', { currentPassword: current, newPassword: next })
      props.onChanged()
    })
  }

  return (
    <main className="center-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="pw-title">
        <h1 id="pw-title">{t('password.title')}</h1>
        <p>
          <Trans
            t={t}
            i18nKey="password.intro"
            values={{ email: props.user.email }}
            components={{ strong: <strong /> }}
          />
        </p>
        <SecretField
          label={t('password.current')}
          autoComplete="current-password"
          value={current}
          onValue={setCurrent}
        />
        <SecretField
          label={t('password.new')}
          autoComplete="new-password"
          value={next}
          aria-describedby="pw-rule"
          onValue={setNext}
        />
        <p id="pw-rule" className="hint">
          {t('password.rule')}
        </p>
        <SecretField
          label={t('password.confirm')}
          autoComplete="new-password"
          value={confirm}
          aria-invalid={mismatch}
          onValue={setConfirm}
        />
        {mismatch ? <p className="field-error">{t('password.mismatch')}</p> : null}
        <ErrorBox error={save.error} title={t('password.failed')} />
        <button type="submit" disabled={save.busy !== null}>
          {save.busy ? t('password.busy') : t('password.submit')}
        </button>
        <button type="button" className="link-button" onClick={props.onSignOut}>
          {t('common:signOut')}
        </button>
      </form>
    </main>
  )
}
