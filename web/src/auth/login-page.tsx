import './auth.css'
import { type FormEvent, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { Session } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { SecretField, TextField } from '../ui/text-field.tsx'

export function LoginPage(props: { notice: string | null; onSignedIn: (s: Session) => void }) {
  const { t } = useTranslation('auth')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const signIn = useAction()

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void signIn.run('sign-in', async () => {
      props.onSignedIn(await post<Session>('/api/v1/auth/login', { email: email.trim(), password }))
    })
  }

  return (
    <main className="center-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="auth-brand" aria-hidden="true">
          <span className="brand-mark">W</span> Wahub
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        {props.notice ? (
          <p className="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <TextField
          label={t('login.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
        />
        <SecretField
          label={t('login.password')}
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
        />
        <ErrorBox error={signIn.error} title={t('login.failed')} />
        <button type="submit" disabled={signIn.busy !== null}>
          {signIn.busy ? t('login.busy') : t('login.submit')}
        </button>
        <p className="hint">
          <Trans t={t} i18nKey="login.firstRun" components={{ code: <code /> }} />
        </p>
      </form>
    </main>
  )
}
