import { type FormEvent, useState } from 'react'
import { post } from '../api.ts'
import type { User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'

/** The first-run change: a user with a one-time password must choose their own before anything else. */
export function PasswordPage(props: { user: User; onChanged: () => void; onSignOut: () => void }) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const mismatch = confirm.length > 0 && next !== confirm

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (next !== confirm) return setError(new Error('The two new passwords differ.'))
    if (next.length < 10) return setError(new Error('Choose a password of at least 10 characters.'))
    setBusy(true)
    setError(undefined)
    try {
      await post('/api/v1/auth/password', { currentPassword: current, newPassword: next })
      props.onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="center-page" id="main">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="pw-title">
        <h1 id="pw-title">Choose your password</h1>
        <p>
          <strong>{props.user.email}</strong> signed in with a one-time password. Choose your own to continue
          (at least 10 characters).
        </p>
        <label htmlFor="pw-current">One-time password</label>
        <input
          id="pw-current"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="pw-new">New password</label>
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
          At least 10 characters. A passphrase of a few words is easy to remember.
        </p>
        <label htmlFor="pw-confirm">Repeat the new password</label>
        <input
          id="pw-confirm"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={mismatch}
        />
        {mismatch ? <p className="field-error">The passwords differ.</p> : null}
        <ErrorBox error={error} title="Password not changed" />
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save and continue'}
        </button>
        <button type="button" className="link-button" onClick={props.onSignOut}>
          Sign out
        </button>
      </form>
    </main>
  )
}
