import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get, qs } from '../api.ts'
import type { Conversation, SearchMatch, Tenant, User } from '../api-types.ts'
import { contactLabel, contactNumber, formatCountdown, formatTime } from '../format.ts'
import { useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced, useNow } from '../ui/hooks.ts'
import { Avatar } from './avatar.tsx'
import { ConversationBadges } from './conversation-badges.tsx'
import { Highlighted } from './highlighted.tsx'
import { type Filters, isFiltered } from './list-filters.tsx'
import { agentName, conversationEvents, useAgents } from './team.ts'

// The conversation list: search by name or number, filters (whose, status, label, number,
// unread, window open), most recent activity first, each row's status, assignee, labels, unread
// count and window; live: refreshed when a message arrives, a status changes or a teammate
// assigns, resolves or labels; more pages as you scroll.

type Page = { conversations: Conversation[]; nextCursor: string | null; searchCapped?: boolean }

export const conversationReadEvent = 'wahub:conversation-read'

export function ConversationList(props: {
  filters: Filters
  selectedId: string | null
  tenants: Map<string, Tenant> | null
  user: User
}) {
  const { t } = useTranslation('inbox')
  const { filters } = props
  const team = useAgents(props.user.role === 'agent' ? props.user.tenantId : filters.tenantId || null)
  const [items, setItems] = useState<Conversation[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [capped, setCapped] = useState(false)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>()
  const seq = useRef(0)
  const now = useNow(30_000)

  const query = useCallback(
    (extra: { cursor?: string | null; limit: number }) =>
      `/api/v1/conversations${qs({
        q: filters.q.trim() || undefined,
        status: filters.status || undefined,
        assignee: filters.assignee || undefined,
        label: filters.label || undefined,
        number_id: filters.numberId || undefined,
        unread: filters.unread ? true : undefined,
        window: filters.windowOpen ? 'open' : undefined,
        tenant_id: filters.tenantId || undefined,
        cursor: extra.cursor,
        limit: extra.limit,
      })}`,
    [filters],
  )

  const loadFirst = useCallback(
    async (limit = 30) => {
      const mine = ++seq.current
      try {
        const page = await get<Page>(query({ limit }))
        if (mine !== seq.current) return
        setItems(page.conversations)
        setCursor(page.nextCursor)
        setCapped(page.searchCapped === true)
        setError(undefined)
      } catch (err) {
        if (mine === seq.current) setError(err)
      } finally {
        if (mine === seq.current) setLoading(false)
      }
    },
    [query],
  )

  useEffect(() => {
    setLoading(true)
    void loadFirst()
  }, [loadFirst])

  const loadMore = useCallback(async () => {
    if (!cursor) return
    const mine = seq.current
    try {
      const page = await get<Page>(query({ cursor, limit: 30 }))
      if (mine !== seq.current) return
      setItems((old) => {
        const seen = new Set(old.map((c) => c.id))
        return [...old, ...page.conversations.filter((c) => !seen.has(c.id))]
      })
      setCursor(page.nextCursor)
    } catch (err) {
      setError(err)
    }
  }, [cursor, query])

  // Live: reload what is shown (the first page, as long as what is loaded) shortly after a change.
  const shown = useRef(0)
  shown.current = items.length
  const refresh = useDebounced(() => void loadFirst(Math.min(200, Math.max(30, shown.current))), 250)
  useLive(refresh, ['message.received', 'message.status', ...conversationEvents])

  useEffect(() => {
    const onRead = (e: Event) => {
      const id = (e as CustomEvent<string>).detail
      setItems((old) => old.map((c) => (c.id === id ? { ...c, unreadCount: 0 } : c)))
    }
    window.addEventListener(conversationReadEvent, onRead)
    return () => window.removeEventListener(conversationReadEvent, onRead)
  }, [])

  // More pages when the end of the list scrolls into view (the button does the same by keyboard).
  const sentinel = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = sentinel.current
    if (!el || !cursor) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadMore()
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [cursor, loadMore])

  return (
    <div className="conversation-list">
      <ErrorBox error={error} title={t('list.loadFailed')} />
      {loading && items.length === 0 ? <p className="empty">{t('list.loading')}</p> : null}
      {!loading && items.length === 0 && !error ? (
        <p className="empty">{isFiltered(filters) ? t('list.noMatch') : t('list.empty')}</p>
      ) : null}
      {capped ? (
        <p className="notice search-capped" role="status">
          {t('list.searchCapped')}
        </p>
      ) : null}
      <ul aria-label={t('list.label')} className="conversations">
        {items.map((c) => {
          const label = contactLabel(c.contact)
          const left = c.window.closesAt ? c.window.closesAt - now : 0
          const open = c.window.open && left > 0
          return (
            <li key={c.id}>
              <Link
                href={`/inbox/${c.id}`}
                className={`conversation${c.id === props.selectedId ? ' selected' : ''}${c.unreadCount ? ' unread' : ''}`}
                aria-current={c.id === props.selectedId ? 'true' : undefined}
                data-conversation-id={c.id}
              >
                <Avatar contact={c.contact} />
                <span className="conversation-main">
                  <span className="conversation-top">
                    <span className="conversation-name">{label}</span>
                    <time
                      className="conversation-time"
                      dateTime={c.lastMessageAt ? new Date(c.lastMessageAt).toISOString() : undefined}
                    >
                      {formatTime(c.lastMessageAt)}
                    </time>
                  </span>
                  <span className="conversation-number">
                    {c.contact.name ? contactNumber(c.contact) : ''}
                    {props.tenants ? (
                      <span className="tenant-tag">
                        {' '}
                        · {props.tenants.get(c.tenantId)?.name ?? c.tenantId}
                      </span>
                    ) : null}
                  </span>
                  <span className="conversation-bottom">
                    <span className="conversation-preview">
                      {c.match ? (
                        <MatchSnippet parts={c.match.snippet} />
                      ) : (
                        <Highlighted text={c.lastMessagePreview ?? ''} query={filters.q} />
                      )}
                    </span>
                    {c.unreadCount > 0 ? (
                      <span className="unread-badge">
                        {c.unreadCount}
                        <span className="visually-hidden"> {t('list.unread')}</span>
                      </span>
                    ) : null}
                  </span>
                  <span className={`window-badge ${open ? 'open' : 'closed'}`}>
                    {open ? t('list.windowOpen', { left: formatCountdown(left) }) : t('list.windowClosed')}
                  </span>
                  <ConversationBadges
                    conversation={c}
                    assignee={
                      c.assigneeUserId
                        ? c.assigneeUserId === props.user.id
                          ? t('list.you')
                          : agentName(team.byId.get(c.assigneeUserId)?.email ?? '…')
                        : null
                    }
                  />
                </span>
              </Link>
            </li>
          )
        })}
      </ul>
      {cursor ? (
        <div ref={sentinel} className="load-more">
          <button type="button" className="secondary" onClick={() => void loadMore()}>
            {t('list.loadMore')}
          </button>
        </div>
      ) : null}
    </div>
  )
}

/** A search result's text around its first hit, as the server cut it: hits marked, never HTML. */
function MatchSnippet(props: { parts: SearchMatch['snippet'] }) {
  return (
    <>
      {props.parts.map((p, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts are a fixed sequence of one text
        p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
      )}
    </>
  )
}
