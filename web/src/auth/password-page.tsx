import { type FormEvent, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'

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
        <label htmlFor="pw-current">{t('password.current')}</label>
        <input
          id="pw-current"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="pw-new">{t('password.new')}</label>
        <input
          id="pw-new"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-describedby="pw-rule"
        />
        <p id="pw-rule" className="hint">
          {t('password.rule')}
        </p>
        <label htmlFor="pw-confirm">{t('password.confirm')}</label>
        <input
          id="pw-confirm"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={mismatch}
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
