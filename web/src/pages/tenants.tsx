import { type FormEvent, useId, useState } from 'react'
import { del, get, patch, post } from '../api.ts'
import type { PhoneNumber, Tenant, User } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useLoad } from '../ui/hooks.ts'

// Tenants and who works for them: numbers assigned to each tenant (a number belongs to one),
// the default number a send without `from` uses, on/off; dashboard users (admins, and agents of
// one tenant) with a one-time password shown once.

type Data = { tenants: Tenant[]; numbers: PhoneNumber[]; users: User[] }

async function load(): Promise<Data> {
  const [t, n, u] = await Promise.all([
    get<{ tenants: Tenant[] }>('/api/v1/admin/tenants'),
    get<{ numbers: PhoneNumber[] }>('/api/v1/admin/numbers'),
    get<{ users: User[] }>('/api/v1/admin/users'),
  ])
  return { tenants: t.tenants, numbers: n.numbers, users: u.users }
}

const numberLabel = (n: { displayPhoneNumber: string | null; phoneNumberId: string }) =>
  n.displayPhoneNumber ?? n.phoneNumberId

export function TenantsPage() {
  const { data, error, reload } = useLoad(load, [])
  return (
    <div className="page">
      <div className="page-head">
        <h1>Tenants & users</h1>
        <p className="muted">Who owns which number, and who can sign in to the dashboard.</p>
      </div>
      <ErrorBox error={error} title="Could not load the tenants" />
      <section className="card" aria-labelledby="tenants-title">
        <h2 id="tenants-title">Tenants</h2>
        <AddTenant onChanged={reload} />
        <div className="tenant-grid">
          {data?.tenants.map((t) => (
            <TenantCard key={t.id} tenant={t} numbers={data.numbers} onChanged={reload} />
          ))}
        </div>
      </section>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Dashboard users</h2>
        <Users users={data?.users ?? []} tenants={data?.tenants ?? []} onChanged={reload} />
      </section>
    </div>
  )
}

function AddTenant(props: { onChanged: () => Promise<void> }) {
  const ids = useId()
  const [name, setName] = useState('')
  const [error, setError] = useState<unknown>()
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    try {
      await post('/api/v1/admin/tenants', { name: name.trim() })
      setName('')
      await props.onChanged()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={`${ids}-name`}>New tenant</label>
      <input
        id={`${ids}-name`}
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit">Add tenant</button>
      <ErrorBox error={error} title="Tenant not added" />
    </form>
  )
}

function TenantCard(props: { tenant: Tenant; numbers: PhoneNumber[]; onChanged: () => Promise<void> }) {
  const t = props.tenant
  const ids = useId()
  const [assign, setAssign] = useState('')
  const [error, setError] = useState<unknown>()
  const free = props.numbers.filter((n) => n.tenantId === null)
  const change = async (body: Record<string, unknown>) => {
    setError(undefined)
    try {
      await patch(`/api/v1/admin/tenants/${encodeURIComponent(t.id)}`, body)
      await props.onChanged()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <article className="tenant-card" aria-labelledby={`${ids}-h`}>
      <header>
        <h3 id={`${ids}-h`}>{t.name}</h3>
        <span className={`status-pill ${t.enabled ? 'pass' : 'fail'}`}>
          {t.enabled ? 'Enabled' : 'Disabled'}
        </span>
      </header>
      <p className="muted small mono">{t.id}</p>
      <h4>Numbers</h4>
      {t.numbers.length === 0 ? <p className="muted">No number assigned.</p> : null}
      <ul className="plain-list">
        {t.numbers.map((n) => (
          <li key={n.id} className="number-line">
            <span>
              {numberLabel(n)}
              {t.defaultNumberId === n.id ? <span className="badge">default</span> : null}
            </span>
            <span className="row-actions">
              {t.defaultNumberId !== n.id ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void change({ defaultNumber: n.id })}
                >
                  Make default
                </button>
              ) : null}
              <button
                type="button"
                className="link-button danger"
                onClick={() => void change({ removeNumbers: [n.id] })}
              >
                Unassign<span className="visually-hidden"> {numberLabel(n)}</span>
              </button>
            </span>
          </li>
        ))}
      </ul>
      {free.length ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (assign) void change({ numbers: [assign] }).then(() => setAssign(''))
          }}
        >
          <label htmlFor={`${ids}-assign`}>Assign a number</label>
          <select id={`${ids}-assign`} value={assign} onChange={(e) => setAssign(e.target.value)}>
            <option value="">Choose…</option>
            {free.map((n) => (
              <option key={n.id} value={n.id}>
                {numberLabel(n)} {n.verifiedName ? `(${n.verifiedName})` : ''}
              </option>
            ))}
          </select>
          <button type="submit" className="secondary" disabled={!assign}>
            Assign
          </button>
        </form>
      ) : null}
      <div className="row-actions">
        <button
          type="button"
          className="secondary small"
          onClick={() => void change({ enabled: !t.enabled })}
        >
          {t.enabled ? 'Disable tenant' : 'Enable tenant'}
        </button>
      </div>
      <ErrorBox error={error} title="Not changed" />
    </article>
  )
}

function Users(props: { users: User[]; tenants: Tenant[]; onChanged: () => Promise<void> }) {
  const ids = useId()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<'agent' | 'admin'>('agent')
  const [tenantId, setTenantId] = useState('')
  const [created, setCreated] = useState<{ email: string; password?: string } | null>(null)
  const [error, setError] = useState<unknown>()
  const tenantName = (id: string | null) => props.tenants.find((t) => t.id === id)?.name ?? id ?? ''
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(undefined)
    setCreated(null)
    try {
      const r = await post<{ user: User; password?: string }>('/api/v1/admin/users', {
        email: email.trim(),
        role,
        ...(role === 'agent' ? { tenantId: tenantId || props.tenants[0]?.id } : {}),
      })
      setCreated({ email: r.user.email, password: r.password })
      setEmail('')
      await props.onChanged()
    } catch (err) {
      setError(err)
    }
  }
  const toggle = async (u: User) => {
    setError(undefined)
    try {
      await patch(`/api/v1/admin/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled })
      await props.onChanged()
    } catch (err) {
      setError(err)
    }
  }
  const remove = async (u: User) => {
    if (!window.confirm(`Remove ${u.email}?`)) return
    try {
      await del(`/api/v1/admin/users/${encodeURIComponent(u.id)}`)
      await props.onChanged()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Tenant</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.email}
                  {u.mustChangePassword ? <span className="badge warn">one-time password</span> : null}
                  {u.disabled ? <span className="badge">disabled</span> : null}
                </td>
                <td>{u.role}</td>
                <td>{u.role === 'agent' ? tenantName(u.tenantId) : <span className="muted">all</span>}</td>
                <td>
                  {u.lastLoginAt ? formatDateTime(u.lastLoginAt) : <span className="muted">never</span>}
                </td>
                <td className="row-actions">
                  <button type="button" className="link-button" onClick={() => void toggle(u)}>
                    {u.disabled ? 'Enable' : 'Disable'}
                    <span className="visually-hidden"> {u.email}</span>
                  </button>
                  <button type="button" className="link-button danger" onClick={() => void remove(u)}>
                    Remove<span className="visually-hidden"> {u.email}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form wrap" onSubmit={submit} aria-label="Add a user">
        <label htmlFor={`${ids}-email`}>Email</label>
        <input
          id={`${ids}-email`}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor={`${ids}-role`}>Role</label>
        <select
          id={`${ids}-role`}
          value={role}
          onChange={(e) => setRole(e.target.value as 'agent' | 'admin')}
        >
          <option value="agent">Agent (one tenant's inbox)</option>
          <option value="admin">Admin (everything)</option>
        </select>
        {role === 'agent' ? (
          <>
            <label htmlFor={`${ids}-tenant`}>Tenant</label>
            <select id={`${ids}-tenant`} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
              {props.tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit">Add user</button>
      </form>
      <ErrorBox error={error} title="User not changed" />
      {created?.password ? (
        <div className="success" role="status">
          <p>
            {created.email} can sign in with this one-time password (shown once; they choose their own at
            first sign-in):
          </p>
          <CopyField label="One-time password" value={created.password} />
        </div>
      ) : null}
    </>
  )
}
