import { type FormEvent, useState } from 'react'
import { post } from '../api.ts'
import type { Session } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'

export function LoginPage(props: { notice: string | null; onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      props.onSignedIn(await post<Session>('/api/v1/auth/login', { email: email.trim(), password }))
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="center-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="auth-brand" aria-hidden="true">
          <span className="brand-mark">W</span> Wahub
        </div>
        <h1 id="login-title">Sign in</h1>
        {props.notice ? (
          <p className="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorBox error={error} title="Could not sign in" />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          First run? The one-time password of the admin user was printed when Wahub started (
          <code>wahub serve</code>); you choose your own at first sign-in.
        </p>
      </form>
    </main>
  )
}
