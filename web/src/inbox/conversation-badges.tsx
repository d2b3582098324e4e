import { useTranslation } from 'react-i18next'
import type { Conversation, Label } from '../api-types.ts'
import { inkOn } from './team.ts'

// A conversation's status, assignee and labels as small badges (words, not colour alone).

export function LabelChip(props: { label: Label; onRemove?: () => void; removeLabel?: string }) {
  const { label } = props
  return (
    <span className="label-chip" style={{ background: label.color, color: inkOn(label.color) }}>
      {label.name}
      {props.onRemove ? (
        <button
          type="button"
          className="label-remove"
          onClick={props.onRemove}
          aria-label={props.removeLabel}
        >
          ×
        </button>
      ) : null}
    </span>
  )
}

export function ConversationBadges(props: { conversation: Conversation; assignee: string | null }) {
  const { t } = useTranslation('inbox')
  const c = props.conversation
  return (
    <span className="conversation-badges">
      <span className={`status-badge status-${c.status}`}>{t(`conversationStatus.${c.status}`)}</span>
      <span className={`assignee-badge${props.assignee ? '' : ' none'}`}>
        {props.assignee ? t('list.assignedTo', { name: props.assignee }) : t('list.unassigned')}
      </span>
      {c.labels.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
    </span>
  )
}
