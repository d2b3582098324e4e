import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post, put } from '../api.ts'
import type { Agent, Conversation, ConversationStatus, Label, User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { LabelChip } from './conversation-badges.tsx'
import { LabelsDialog } from './labels-dialog.tsx'
import { agentName } from './team.ts'

// The thread header's actions: status (resolve, pending, reopen), assignment (to me, to an
// agent, to nobody) and labels. Each is one request; the change comes back to every open
// dashboard as a conversation.* event, and to this one through `onChanged`.

export function ThreadActions(props: {
  conversation: Conversation
  user: User
  agents: Agent[]
  labels: Label[]
  onChanged: () => Promise<void>
}) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const action = useAction()
  const c = props.conversation
  const base = `/api/v1/conversations/${encodeURIComponent(c.id)}`
  const canAct = props.user.role === 'agent'

  const setStatus = (status: ConversationStatus) =>
    action.run(`status-${status}`, async () => {
      await post(`${base}/status`, { status })
      await props.onChanged()
    })
  const assign = (assignee: string | null) =>
    action.run('assign', async () => {
      await post(`${base}/assignee`, { assignee })
      await props.onChanged()
    })
  const setLabels = (labels: string[]) =>
    action.run('labels', async () => {
      await put(`${base}/labels`, { labels })
      await props.onChanged()
    })

  const statusButtons: { to: ConversationStatus; label: string }[] =
    c.status === 'resolved'
      ? [{ to: 'open', label: t('actions.reopen') }]
      : c.status === 'pending'
        ? [
            { to: 'resolved', label: t('actions.resolve') },
            { to: 'open', label: t('actions.reopen') },
          ]
        : [
            { to: 'resolved', label: t('actions.resolve') },
            { to: 'pending', label: t('actions.pending') },
          ]

  return (
    <div className="thread-actions">
      <span className={`status-badge status-${c.status}`} data-testid="conversation-status">
        {t(`conversationStatus.${c.status}`)}
      </span>
      {canAct ? (
        <>
          {statusButtons.map((b) => (
            <button
              key={b.to}
              type="button"
              className={b.to === 'resolved' ? 'small' : 'secondary small'}
              disabled={action.busy !== null}
              onClick={() => void setStatus(b.to)}
            >
              {b.label}
            </button>
          ))}
          <label htmlFor={`${ids}-assignee`} className="visually-hidden">
            {t('actions.assignee')}
          </label>
          <select
            id={`${ids}-assignee`}
            className="assignee-select"
            value={c.assigneeUserId ?? ''}
            disabled={action.busy !== null}
            onChange={(e) => void assign(e.target.value || null)}
          >
            <option value="">{t('actions.nobody')}</option>
            {props.agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === props.user.id ? t('actions.me', { name: agentName(a.email) }) : agentName(a.email)}
                {a.presence === 'away' ? ` (${t('presence.away')})` : ''}
              </option>
            ))}
          </select>
          {c.assigneeUserId !== props.user.id ? (
            <button
              type="button"
              className="secondary small"
              disabled={action.busy !== null}
              onClick={() => void assign('me')}
            >
              {t('actions.assignToMe')}
            </button>
          ) : null}
          <LabelPicker conversation={c} labels={props.labels} onSet={setLabels} />
        </>
      ) : null}
      {c.labels.length ? (
        <span className="thread-labels">
          {c.labels.map((l) => (
            <LabelChip
              key={l.id}
              label={l}
              onRemove={
                canAct
                  ? () => void setLabels(c.labels.filter((x) => x.id !== l.id).map((x) => x.id))
                  : undefined
              }
              removeLabel={t('labels.remove', { name: l.name })}
            />
          ))}
        </span>
      ) : null}
      <ErrorBox error={action.error} title={t('actions.failed')} onDismiss={action.reset} />
    </div>
  )
}

/** A button opening the tenant's labels as checkboxes, and "Manage labels". */
function LabelPicker(props: { conversation: Conversation; labels: Label[]; onSet: (ids: string[]) => void }) {
  const { t } = useTranslation('inbox')
  const [open, setOpen] = useState(false)
  const [managing, setManaging] = useState(false)
  const ids = useId()
  const box = useRef<HTMLDivElement>(null)
  const on = new Set(props.conversation.labels.map((l) => l.id))
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])
  return (
    <div className="label-picker" ref={box}>
      <button
        type="button"
        className="secondary small"
        aria-expanded={open}
        aria-controls={`${ids}-menu`}
        onClick={() => setOpen(!open)}
      >
        {t('labels.button')}
      </button>
      {open ? (
        <fieldset
          id={`${ids}-menu`}
          className="popover label-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false)
          }}
        >
          <legend>{t('labels.legend')}</legend>
          {props.labels.length === 0 ? <p className="muted small">{t('labels.none')}</p> : null}
          {props.labels.map((l) => (
            <label key={l.id} className="label-option">
              <input
                type="checkbox"
                checked={on.has(l.id)}
                onChange={(e) => {
                  const next = new Set(on)
                  if (e.target.checked) next.add(l.id)
                  else next.delete(l.id)
                  props.onSet([...next])
                }}
              />
              <LabelChip label={l} />
            </label>
          ))}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOpen(false)
              setManaging(true)
            }}
          >
            {t('labels.manage')}
          </button>
        </fieldset>
      ) : null}
      {managing ? (
        <LabelsDialog tenantId={props.conversation.tenantId} onClose={() => setManaging(false)} />
      ) : null}
    </div>
  )
}
