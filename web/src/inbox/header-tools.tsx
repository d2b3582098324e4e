import './header-tools.css'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, post, put } from '../api.ts'
import type { Agent, AppNotification, User } from '../api-types.ts'
import { formatTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { navigate } from '../router.tsx'
import { useAction, useLoad } from '../ui/server-state.ts'
import { useDesktopAlerts } from './desktop-alerts.ts'
import { agentName, useAgents, useRefreshTeam } from './team.ts'

// What an agent keeps in the top bar: presence (available takes round-robin assignments, away
// does not), desktop notifications on/off, and the bell with the mentions of them in notes.

export function HeaderTools(props: { user: User }) {
  if (props.user.role !== 'agent' || !props.user.tenantId) return null
  return (
    <div className="header-tools">
      <PresenceToggle user={props.user} />
      <AlertsToggle user={props.user} />
      <Bell user={props.user} />
    </div>
  )
}

function PresenceToggle(props: { user: User }) {
  const { t } = useTranslation('inbox')
  const { byId } = useAgents(props.user.tenantId)
  const refresh = useRefreshTeam()
  const action = useAction()
  const me = byId.get(props.user.id)
  const available = me?.presence === 'available'
  const set = () =>
    action.run('presence', async () => {
      await put<Agent>('/api/v1/agents/me/presence', { presence: available ? 'away' : 'available' })
      refresh()
    })
  return (
    <button
      type="button"
      className={`presence presence-${me?.presence ?? 'away'}`}
      aria-pressed={available}
      disabled={!me || action.busy !== null}
      title={t('presence.title')}
      onClick={() => void set()}
    >
      <span className="presence-dot" aria-hidden="true" />
      <span className="visually-hidden">{t('presence.label')} </span>
      <span className="presence-text">{available ? t('presence.available') : t('presence.away')}</span>
    </button>
  )
}

function AlertsToggle(props: { user: User }) {
  const { t } = useTranslation('inbox')
  const alerts = useDesktopAlerts(props.user, (name) => t('alerts.title', { name }))
  if (alerts.state === 'unsupported') return null
  return (
    <button
      type="button"
      className="alerts-toggle"
      aria-pressed={alerts.state === 'on'}
      disabled={alerts.state === 'denied'}
      title={alerts.state === 'denied' ? t('alerts.denied') : t('alerts.title2')}
      onClick={() => void alerts.toggle()}
    >
      <BellIcon slashed={alerts.state !== 'on'} /> <span className="alerts-label">{t('alerts.label')}</span>
    </button>
  )
}

type Page = { notifications: AppNotification[]; unread: number }

function Bell(props: { user: User }) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const [open, setOpen] = useState(false)
  const box = useRef<HTMLDivElement>(null)
  const load = useLoad(['notifications', props.user.id], () => get<Page>('/api/v1/notifications?limit=30'))
  const { byId } = useAgents(props.user.tenantId)
  const unread = load.data?.unread ?? 0
  const { reload } = load
  useLive(
    (event) => {
      const mentions = event.payload?.mentions
      if (event.kind !== 'conversation.note' || (Array.isArray(mentions) && mentions.includes(props.user.id)))
        void reload()
    },
    ['conversation.note'],
  )
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])

  const openOne = async (n: AppNotification) => {
    setOpen(false)
    if (!n.readAt) await post(`/api/v1/notifications/${encodeURIComponent(n.id)}/read`).catch(() => {})
    void reload()
    navigate(`/inbox/${n.conversationId}`)
  }
  const readAll = async () => {
    await post('/api/v1/notifications/read').catch(() => {})
    void reload()
  }

  return (
    <div className="bell" ref={box}>
      <button
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls={`${ids}-list`}
        onClick={() => setOpen(!open)}
      >
        <BellIcon />
        <span className="visually-hidden">{t('bell.label')}</span>
        {unread > 0 ? (
          <span className="bell-count" data-testid="bell-count">
            {unread}
            <span className="visually-hidden"> {t('bell.unread')}</span>
          </span>
        ) : null}
      </button>
      {open ? (
        <section id={`${ids}-list`} className="popover bell-list" aria-label={t('bell.title')}>
          <div className="bell-head">
            <h2>{t('bell.title')}</h2>
            {unread > 0 ? (
              <button type="button" className="link-button" onClick={() => void readAll()}>
                {t('bell.readAll')}
              </button>
            ) : null}
          </div>
          {(load.data?.notifications ?? []).length === 0 ? (
            <p className="muted small">{t('bell.empty')}</p>
          ) : (
            <ul>
              {(load.data?.notifications ?? []).map((n) => (
                <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                  <button type="button" className="bell-item" onClick={() => void openOne(n)}>
                    <span className="bell-what">
                      {t('bell.mentioned', {
                        name: agentName(byId.get(n.byUserId ?? '')?.email ?? t('activity.someone')),
                      })}
                    </span>
                    <span className="bell-note">{n.noteBody}</span>
                    <span className="muted small">{formatTime(n.createdAt)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  )
}

/** A bell (no emoji: not every desktop has an emoji font), struck through when off. */
function BellIcon(props: { slashed?: boolean }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" className="icon bell-icon">
      <path
        d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15zM10 20a2 2 0 0 0 4 0"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
      {props.slashed ? <path d="M4 4l16 16" stroke="currentColor" strokeWidth="1.8" /> : null}
    </svg>
  )
}
