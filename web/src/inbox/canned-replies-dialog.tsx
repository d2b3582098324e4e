import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { del, get, patch, post, qs } from '../api.ts'
import type { CannedReply } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { ManageDialog } from './manage-dialog.tsx'

// The tenant's canned replies (agents and admins manage them): a shortcut typed after / in the
// composer and a body that may hold {{contact.name}}, {{contact.first_name}}, {{contact.number}}
// and {{business.number}}. Add, edit, remove (after a confirmation).

const variables = ['{{contact.name}}', '{{contact.first_name}}', '{{contact.number}}', '{{business.number}}']

export function CannedRepliesDialog(props: { tenantId: string; onClose: () => void }) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const tenant = qs({ tenant_id: props.tenantId })
  const list = useLoad(
    ['canned-replies', props.tenantId],
    async () =>
      (await get<{ cannedReplies: CannedReply[] }>(`/api/v1/canned-replies${tenant}`)).cannedReplies,
  )
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const [editing, setEditing] = useState<CannedReply | null>(null)
  const [shortcut, setShortcut] = useState('')
  const [body, setBody] = useState('')

  const edit = (r: CannedReply | null) => {
    setEditing(r)
    setShortcut(r?.shortcut ?? '')
    setBody(r?.body ?? '')
  }
  const save = async (e: FormEvent) => {
    e.preventDefault()
    const ok = await action.run('save', async () => {
      const fields = { shortcut: shortcut.trim(), body }
      if (editing) await patch(`/api/v1/canned-replies/${encodeURIComponent(editing.id)}${tenant}`, fields)
      else await post(`/api/v1/canned-replies${tenant}`, fields)
      await list.reload()
    })
    if (ok) edit(null)
  }
  const remove = async (r: CannedReply) => {
    const ok = await confirm({
      title: t('canned.removeTitle', { shortcut: r.shortcut }),
      body: t('canned.removeBody'),
      confirmLabel: t('canned.removeConfirm'),
    })
    if (!ok) return
    await action.run('remove', async () => {
      await del(`/api/v1/canned-replies/${encodeURIComponent(r.id)}${tenant}`)
      await list.reload()
      if (editing?.id === r.id) edit(null)
    })
  }

  return (
    <ManageDialog title={t('canned.title')} onClose={props.onClose}>
      <ErrorBox error={list.error ?? action.error} title={t('canned.failed')} onDismiss={action.reset} />
      {list.data && list.data.length === 0 ? <p className="muted">{t('canned.empty')}</p> : null}
      <ul className="manage-list canned-list">
        {(list.data ?? []).map((r) => (
          <li key={r.id}>
            <code>/{r.shortcut}</code>
            <span className="canned-body">{r.body}</span>
            <button type="button" className="link-button" onClick={() => edit(r)}>
              {t('canned.edit')}
              <span className="visually-hidden"> /{r.shortcut}</span>
            </button>
            <button type="button" className="link-button danger" onClick={() => void remove(r)}>
              {t('canned.delete')}
              <span className="visually-hidden"> /{r.shortcut}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="manage-form" onSubmit={save}>
        <h3>{editing ? t('canned.editTitle', { shortcut: editing.shortcut }) : t('canned.addTitle')}</h3>
        <label htmlFor={`${ids}-shortcut`}>{t('canned.shortcut')}</label>
        <input
          id={`${ids}-shortcut`}
          value={shortcut}
          maxLength={33}
          placeholder={t('canned.shortcutExample')}
          aria-describedby={`${ids}-shortcut-help`}
          onChange={(e) => setShortcut(e.target.value)}
        />
        <p id={`${ids}-shortcut-help`} className="muted small">
          {t('canned.shortcutHelp')}
        </p>
        <label htmlFor={`${ids}-body`}>{t('canned.body')}</label>
        <textarea
          id={`${ids}-body`}
          rows={3}
          value={body}
          maxLength={4096}
          aria-describedby={`${ids}-body-help`}
          onChange={(e) => setBody(e.target.value)}
        />
        <p id={`${ids}-body-help`} className="muted small">
          {t('canned.variables')}{' '}
          {variables.map((v) => (
            <code key={v}>{v} </code>
          ))}
        </p>
        <div className="form-actions">
          <button type="submit" disabled={!shortcut.trim() || !body.trim() || action.busy !== null}>
            {editing ? t('canned.save') : t('canned.add')}
          </button>
          {editing ? (
            <button type="button" className="secondary" onClick={() => edit(null)}>
              {t('canned.cancel')}
            </button>
          ) : null}
        </div>
      </form>
      {dialog}
    </ManageDialog>
  )
}
