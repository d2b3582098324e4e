import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { del, patch, post } from '../api.ts'
import type { Tenant, User } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { CopyField } from '../ui/copy-field.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { RowButton } from '../ui/row-button.tsx'
import { useAction } from '../ui/server-state.ts'
import { TableHead } from '../ui/table-head.tsx'
import { TextField } from '../ui/text-field.tsx'

/** Dashboard users: the list (enable, disable, remove) and the form adding one. */
export function Users(props: { users: User[]; tenants: Tenant[]; onChanged: () => Promise<void> }) {
  const { t } = useTranslation('tenants')
  const ids = useId()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<'agent' | 'admin'>('agent')
  const [tenantId, setTenantId] = useState('')
  const [created, setCreated] = useState<{ email: string; password?: string } | null>(null)
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const tenantName = (id: string | null) => props.tenants.find((x) => x.id === id)?.name ?? id ?? ''
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setCreated(null)
    void action.run('add', async () => {
      const r = await post<{ user: User; password?: string }>('/api/v1/admin/users', {
        email: email.trim(),
        role,
        ...(role === 'agent' ? { tenantId: tenantId || props.tenants[0]?.id } : {}),
      })
      setCreated({ email: r.user.email, password: r.password })
      setEmail('')
      await props.onChanged()
    })
  }
  const toggle = async (u: User) => {
    const disabling = !u.disabled
    if (
      disabling &&
      !(await confirm({
        title: t('users.disableConfirm', { email: u.email }),
        body: t('users.disableConfirmBody'),
        confirmLabel: t('users.disable'),
      }))
    )
      return
    await action.run('toggle', async () => {
      await patch(`/api/v1/admin/users/${encodeURIComponent(u.id)}`, { disabled: disabling })
      await props.onChanged()
    })
  }
  const remove = async (u: User) => {
    const ok = await confirm({
      title: t('users.removeConfirm', { email: u.email }),
      body: t('users.removeConfirmBody'),
      confirmLabel: t('users.remove'),
    })
    if (!ok) return
    await action.run('remove', async () => {
      await del(`/api/v1/admin/users/${encodeURIComponent(u.id)}`)
      await props.onChanged()
    })
  }
  return (
    <>
      {dialog}
      <div className="table-wrap">
        <table>
          <TableHead
            columns={[t('users.email'), t('users.role'), t('users.tenant'), t('users.lastSignIn')]}
            actions={t('users.actions')}
          />
          <tbody>
            {props.users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.email}
                  {u.mustChangePassword ? <span className="badge warn">{t('users.oneTime')}</span> : null}
                  {u.disabled ? <span className="badge">{t('users.disabled')}</span> : null}
                </td>
                <td>{t(`common:role.${u.role}`)}</td>
                <td>
                  {u.role === 'agent' ? (
                    tenantName(u.tenantId)
                  ) : (
                    <span className="muted">{t('users.all')}</span>
                  )}
                </td>
                <td>
                  {u.lastLoginAt ? (
                    formatDateTime(u.lastLoginAt)
                  ) : (
                    <span className="muted">{t('users.never')}</span>
                  )}
                </td>
                <td className="row-actions">
                  <RowButton of={u.email} onClick={() => void toggle(u)}>
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </RowButton>
                  <RowButton danger of={u.email} onClick={() => void remove(u)}>
                    {t('users.remove')}
                  </RowButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form wrap" onSubmit={submit} aria-label={t('users.addLabel')}>
        <TextField label={t('users.email')} type="email" required value={email} onValue={setEmail} />
        <label htmlFor={`${ids}-role`}>{t('users.role')}</label>
        <select
          id={`${ids}-role`}
          value={role}
          onChange={(e) => setRole(e.target.value as 'agent' | 'admin')}
        >
          <option value="agent">{t('users.agentOption')}</option>
          <option value="admin">{t('users.adminOption')}</option>
        </select>
        {role === 'agent' ? (
          <>
            <label htmlFor={`${ids}-tenant`}>{t('users.tenant')}</label>
            <select id={`${ids}-tenant`} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
              {props.tenants.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit">{t('users.add')}</button>
      </form>
      <ErrorBox error={action.error} title={t('users.failed')} />
      {created?.password ? (
        <div className="success" role="status">
          <p>{t('users.created', { email: created.email })}</p>
          <CopyField label={t('users.oneTimePassword')} value={created.password} />
        </div>
      ) : null}
    </>
  )
}
