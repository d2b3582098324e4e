import { useTranslation } from 'react-i18next'
import type { Activity, Agent } from '../api-types.ts'
import { formatTime } from '../format.ts'
import { agentName } from './team.ts'

// One line of a conversation's activity in the thread, between the messages by time: a status
// change, an assignment, labels (centred, small), or a private note (a yellow card, "only your
// team sees this"), with @mentions marked.

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [])
const text = (v: unknown): string => (typeof v === 'string' ? v : '')

export function ActivityLine(props: { activity: Activity; agents: Map<string, Agent> }) {
  const { t } = useTranslation('inbox')
  const a = props.activity
  // Names, also for oneself: "ana resolved…" reads right in every language, where a "You" subject
  // would need its own verb forms in Spanish and Portuguese.
  const nameOf = (id: string | null | undefined) =>
    !id ? t('activity.nobody') : agentName(props.agents.get(id)?.email ?? t('activity.someone'))
  const who =
    a.actor === 'system'
      ? t('activity.wahub')
      : a.actor.startsWith('api_key:')
        ? t('activity.apiKey')
        : nameOf(a.actorUserId)
  const d = a.data
  const time = (
    <time className="activity-time" dateTime={new Date(a.createdAt).toISOString()}>
      {formatTime(a.createdAt)}
    </time>
  )

  if (a.kind === 'note') {
    const mentioned = new Set(
      list(d.mentions).map((id) => `@${agentName(props.agents.get(id)?.email ?? '')}`),
    )
    return (
      <li className="activity note" id={`activity-${a.id}`} data-activity-kind="note">
        <div className="note-card">
          <p className="note-head">
            <strong>{who}</strong> · {t('activity.noteTag')} {time}
          </p>
          <p className="note-body">
            {(a.body ?? '').split(/(@[\w.+-]+(?:@[\w.-]+)?)/).map((part, i) =>
              mentioned.has(part) || /^@[\w.+-]+$/.test(part) ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed text
                <span key={i} className="mention">
                  {part}
                </span>
              ) : (
                part
              ),
            )}
          </p>
        </div>
      </li>
    )
  }

  let line: string
  if (a.kind === 'status') {
    const status = text(d.status)
    line =
      d.reason === 'inbound'
        ? t('activity.reopenedByCustomer')
        : status === 'resolved'
          ? t('activity.resolved', { who })
          : status === 'pending'
            ? t('activity.pending', { who })
            : t('activity.reopened', { who })
  } else if (a.kind === 'assigned') {
    const to = typeof d.assigneeUserId === 'string' ? d.assigneeUserId : null
    line =
      d.reason === 'round_robin'
        ? t('activity.roundRobin', { to: nameOf(to) })
        : to === null
          ? t('activity.unassigned', { who })
          : to === a.actorUserId
            ? t('activity.tookIt', { who })
            : t('activity.assigned', { who, to: nameOf(to) })
  } else {
    const added = list(d.added)
    const removed = list(d.removed)
    line = [
      added.length ? t('activity.labelsAdded', { who, labels: added.join(', ') }) : '',
      removed.length ? t('activity.labelsRemoved', { who, labels: removed.join(', ') }) : '',
    ]
      .filter(Boolean)
      .join(' · ')
  }
  return (
    <li className="activity event" data-activity-kind={a.kind}>
      <span>
        {line} · {time}
      </span>
    </li>
  )
}
