import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { del, patch, post, qs } from '../api.ts'
import type { Label } from '../api-types.ts'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { LabelChip } from './conversation-badges.tsx'
import { ManageDialog } from './manage-dialog.tsx'
import { useLabels, useRefreshTeam } from './team.ts'

// The tenant's labels: add one (name and colour), rename or recolour, remove (from every
// conversation, after a confirmation).

const palette = ['#1e88e5', '#43a047', '#e53935', '#fb8c00', '#8e24aa', '#00897b', '#6d4c41', '#546e7a']

export function LabelsDialog(props: { tenantId: string; onClose: () => void }) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const { labels } = useLabels(props.tenantId)
  const refresh = useRefreshTeam()
  const action = useAction()
  const { confirm, dialog } = useConfirm()
  const [name, setName] = useState('')
  const [color, setColor] = useState(palette[0])
  const tenant = qs({ tenant_id: props.tenantId })

  const add = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) return
    const ok = await action.run('add', async () => {
      await post(`/api/v1/labels${tenant}`, { name: name.trim(), color })
      refresh()
    })
    if (ok) {
      setName('')
      setColor(palette[(labels.length + 1) % palette.length])
    }
  }
  const update = (l: Label, change: Partial<Label>) =>
    action.run(`update-${l.id}`, async () => {
      await patch(`/api/v1/labels/${encodeURIComponent(l.id)}${tenant}`, change)
      refresh()
    })
  const remove = async (l: Label) => {
    const ok = await confirm({
      title: t('labels.removeTitle', { name: l.name }),
      body: t('labels.removeBody'),
      confirmLabel: t('labels.removeConfirm'),
    })
    if (!ok) return
    await action.run(`remove-${l.id}`, async () => {
      await del(`/api/v1/labels/${encodeURIComponent(l.id)}${tenant}`)
      refresh()
    })
  }

  return (
    <ManageDialog title={t('labels.manageTitle')} onClose={props.onClose}>
      <ErrorBox error={action.error} title={t('labels.failed')} onDismiss={action.reset} />
      <ul className="manage-list">
        {labels.map((l) => (
          <li key={l.id}>
            <LabelChip label={l} />
            <label className="visually-hidden" htmlFor={`${ids}-c-${l.id}`}>
              {t('labels.colourOf', { name: l.name })}
            </label>
            <input
              id={`${ids}-c-${l.id}`}
              type="color"
              value={l.color}
              onChange={(e) => void update(l, { color: e.target.value })}
            />
            <button type="button" className="link-button danger" onClick={() => void remove(l)}>
              {t('labels.delete')}
              <span className="visually-hidden"> {l.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="manage-add" onSubmit={add}>
        <label htmlFor={`${ids}-name`}>{t('labels.name')}</label>
        <input id={`${ids}-name`} value={name} maxLength={50} onChange={(e) => setName(e.target.value)} />
        <label htmlFor={`${ids}-color`}>{t('labels.colour')}</label>
        <input id={`${ids}-color`} type="color" value={color} onChange={(e) => setColor(e.target.value)} />
        <button type="submit" disabled={!name.trim() || action.busy !== null}>
          {t('labels.add')}
        </button>
      </form>
      {dialog}
    </ManageDialog>
  )
}
