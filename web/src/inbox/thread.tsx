import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { get, post, qs } from '../api.ts'
import type { Conversation, Message, Tenant } from '../api-types.ts'
import { contactLabel, contactNumber } from '../format.ts'
import { openedKind, useLive } from '../live.tsx'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { Composer } from './composer.tsx'
import { conversationReadEvent } from './conversation-list.tsx'
import { MessageView } from './message-view.tsx'

// One conversation: the messages oldest to newest, older pages loaded when you scroll to the top
// (keeping your place), new ones and status changes live, marked read while you look at it.

type Page = { messages: Message[]; nextCursor: string | null }
const pageSize = 30
const pending = new Set(['queued', 'sending', 'accepted', 'throttled', 'retrying', 'requeued'])

function byTime(a: Message, b: Message): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

function merge(old: Message[], fresh: Message[]): Message[] {
  const map = new Map(old.map((m) => [m.id, m]))
  for (const m of fresh) map.set(m.id, m)
  return [...map.values()].sort(byTime)
}

function dayLabel(ms: number): string {
  const d = new Date(ms)
  const today = new Date()
  const yesterday = new Date(Date.now() - 86_400_000)
  if (d.toDateString() === today.toDateString()) return 'Today'
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday'
  return d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
}

export function Thread(props: {
  conversationId: string
  isAdmin: boolean
  tenants: Map<string, Tenant> | null
}) {
  const { conversationId } = props
  const [conversation, setConversation] = useState<Conversation>()
  const [messages, setMessages] = useState<Message[]>([])
  const [older, setOlder] = useState<string | null>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [error, setError] = useState<unknown>()
  const [loaded, setLoaded] = useState(false)
  const scroller = useRef<HTMLDivElement>(null)
  const keepFromBottom = useRef<number | null>(null)
  const stickToBottom = useRef(true)
  const base = `/api/v1/conversations/${encodeURIComponent(conversationId)}`

  const loadConversation = useCallback(async () => {
    const c = await get<Conversation>(base)
    setConversation(c)
    return c
  }, [base])

  const markRead = useCallback(async () => {
    try {
      await post(`${base}/read`)
      window.dispatchEvent(new CustomEvent(conversationReadEvent, { detail: conversationId }))
    } catch {
      // reading stays possible; the badge updates next time
    }
  }, [base, conversationId])

  const loadNewest = useCallback(async () => {
    const page = await get<Page>(`${base}/messages${qs({ limit: pageSize })}`)
    setMessages((old) => merge(old, page.messages))
    return page
  }, [base])

  // First load of this conversation.
  useEffect(() => {
    let cancelled = false
    setConversation(undefined)
    setMessages([])
    setOlder(null)
    setLoaded(false)
    setError(undefined)
    stickToBottom.current = true
    ;(async () => {
      try {
        const [c, page] = await Promise.all([
          get<Conversation>(base),
          get<Page>(`${base}/messages${qs({ limit: pageSize })}`),
        ])
        if (cancelled) return
        setConversation(c)
        setMessages((old) => merge(old, page.messages)) // a live refresh may have landed first
        setOlder(page.nextCursor)
        setLoaded(true)
        if (c.unreadCount > 0) void markRead()
      } catch (err) {
        if (!cancelled) setError(err)
      }
    })()
    return () => {
      cancelled = true
    }
  }, [base, markRead])

  const loadOlder = useCallback(async () => {
    if (!older || loadingOlder) return
    setLoadingOlder(true)
    const el = scroller.current
    try {
      const page = await get<Page>(`${base}/messages${qs({ before: older, limit: pageSize })}`)
      if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop
      setMessages((old) => merge(old, page.messages))
      setOlder(page.nextCursor)
    } catch (err) {
      setError(err)
    } finally {
      setLoadingOlder(false)
    }
  }, [base, older, loadingOlder])

  // Keep the reader's place when older messages are prepended; follow new ones at the bottom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each change of the list
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (keepFromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom.current
      keepFromBottom.current = null
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [messages])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  const top = useRef<HTMLLIElement>(null)
  useEffect(() => {
    const el = top.current
    if (!el || !older || !loaded) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadOlder()
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    )
    observer.observe(el)
    return () => observer.disconnect()
  }, [older, loaded, loadOlder])

  // Live: a new message here, or a status change of one of ours.
  const ids = useMemo(() => new Set(messages.map((m) => m.id)), [messages])
  const refresh = useDebounced(async () => {
    try {
      const [c] = await Promise.all([loadConversation(), loadNewest()])
      if (c.unreadCount > 0 && document.visibilityState === 'visible') void markRead()
    } catch (err) {
      setError(err)
    }
  }, 150)
  useLive(
    (event) => {
      const p = event.payload ?? {}
      if (event.kind === openedKind) refresh()
      if (event.kind === 'message.received' && p.conversationId === conversationId) refresh()
      if (event.kind === 'message.status' && typeof p.messageId === 'string' && ids.has(p.messageId))
        refresh()
    },
    ['message.received', 'message.status'],
  )

  // Polled while something changes without an event: our own sends until Meta has answered (the
  // worker's steps before Meta's first status webhook), and media still downloading.
  const sending = messages.some((m) => m.direction === 'out' && pending.has(m.status))
  const downloading = messages.some((m) => m.media?.state === 'pending')
  const pollMs = sending ? 1500 : downloading ? 2000 : 0
  useEffect(() => {
    if (!pollMs) return
    const t = setInterval(() => void loadNewest().catch(() => {}), pollMs)
    return () => clearInterval(t)
  }, [pollMs, loadNewest])

  const onSent = async () => {
    stickToBottom.current = true
    try {
      await Promise.all([loadNewest(), loadConversation()])
    } catch (err) {
      setError(err)
    }
  }

  const byWamid = useMemo(() => {
    const map = new Map<string, Message>()
    for (const m of messages) if (m.wamid) map.set(m.wamid, m)
    return map
  }, [messages])

  const focusMessage = (m: Message) => {
    const el = document.getElementById(`msg-${m.id}`)
    if (!el) return
    el.scrollIntoView({ block: 'center', behavior: 'smooth' })
    el.classList.add('flash')
    el.focus({ preventScroll: true })
    setTimeout(() => el.classList.remove('flash'), 1600)
  }

  if (error && !conversation) {
    return (
      <section className="thread">
        <div className="thread-header">
          <Link href="/inbox" className="back-link">
            ← Conversations
          </Link>
        </div>
        <ErrorBox error={error} title="Could not open the conversation" />
      </section>
    )
  }

  const name = conversation ? contactLabel(conversation.contact) : ''
  let lastDay = ''
  return (
    <section
      className="thread"
      aria-label={name ? `Conversation with ${name}` : 'Conversation'}
      aria-busy={!loaded}
    >
      <header className="thread-header">
        <Link href="/inbox" className="back-link" aria-label="Back to the conversations">
          ←
        </Link>
        {conversation ? (
          <div className="thread-title">
            <h1>{name}</h1>
            <p className="muted small">
              {conversation.contact.name ? `${contactNumber(conversation.contact)} · ` : ''}
              to {conversation.displayPhoneNumber ?? conversation.phoneNumberId}
              {props.tenants
                ? ` · tenant ${props.tenants.get(conversation.tenantId)?.name ?? conversation.tenantId}`
                : ''}
            </p>
          </div>
        ) : (
          <div className="thread-title">
            <h1>Loading…</h1>
          </div>
        )}
      </header>
      {error ? (
        <ErrorBox error={error} title="Could not refresh" onDismiss={() => setError(undefined)} />
      ) : null}
      <div className="messages-scroll" ref={scroller} onScroll={onScroll}>
        <ol
          className="messages"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label="Messages"
        >
          <li ref={top} className="history-edge">
            {older ? (
              <button
                type="button"
                className="secondary small"
                onClick={() => void loadOlder()}
                disabled={loadingOlder}
              >
                {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
              </button>
            ) : loaded ? (
              <span className="muted small">Beginning of the conversation</span>
            ) : null}
          </li>
          {messages.map((m) => {
            const day = new Date(m.createdAt).toDateString()
            const separator = day !== lastDay
            lastDay = day
            return (
              <Fragment key={m.id}>
                {separator ? (
                  <li className="day-separator">
                    <span>{dayLabel(m.createdAt)}</span>
                  </li>
                ) : null}
                <MessageView
                  message={m}
                  quoted={m.replyTo ? (byWamid.get(m.replyTo) ?? null) : undefined}
                  contactName={name}
                  onQuoteClick={focusMessage}
                />
              </Fragment>
            )
          })}
        </ol>
      </div>
      {conversation ? <Composer conversation={conversation} onSent={onSent} /> : null}
    </section>
  )
}
