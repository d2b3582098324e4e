import { useCallback, useEffect, useMemo, useState } from 'react'
import { get, post, qs } from '../api.ts'
import type { Activity, Conversation, Message } from '../api-types.ts'
import { openedKind, useLive } from '../live.tsx'
import { useDebounced } from '../ui/hooks.ts'
import { conversationReadEvent } from './conversation-list.tsx'
import { conversationEvents } from './team.ts'

// A conversation's server state: the conversation and its messages oldest to newest, older pages
// on demand, new messages and status changes live (SSE), polling only while something changes
// without an event, and marked read while it is looked at. The view (thread.tsx) only renders.

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

export type ThreadState = {
  conversation: Conversation | undefined
  messages: Message[]
  /** The newest activity lines (status, assignment, labels, notes), oldest first. */
  activity: Activity[]
  /** Whether older messages exist (a cursor to them). */
  hasOlder: boolean
  loadingOlder: boolean
  loaded: boolean
  error: unknown
  dismissError: () => void
  /** Loads the previous page; `beforePrepend` runs just before the older messages are added. */
  loadOlder: (beforePrepend?: () => void) => Promise<void>
  /** After our own send: the newest messages and the conversation again. */
  reloadAfterSend: () => Promise<void>
  /** After our own change (status, assignee, labels, a note): the conversation and its activity. */
  reloadActivity: () => Promise<void>
}

const activityPage = 200

export function useThread(conversationId: string): ThreadState {
  const [conversation, setConversation] = useState<Conversation>()
  const [messages, setMessages] = useState<Message[]>([])
  const [older, setOlder] = useState<string | null>(null)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [error, setError] = useState<unknown>()
  const [loaded, setLoaded] = useState(false)
  const [activity, setActivity] = useState<Activity[]>([])
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

  const loadActivity = useCallback(async () => {
    const page = await get<{ activity: Activity[] }>(`${base}/activity${qs({ limit: activityPage })}`)
    setActivity([...page.activity].reverse())
  }, [base])

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
    setActivity([])
    ;(async () => {
      try {
        const [c, page] = await Promise.all([
          get<Conversation>(base),
          get<Page>(`${base}/messages${qs({ limit: pageSize })}`),
          loadActivity(),
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
  }, [base, markRead, loadActivity])

  const loadOlder = useCallback(
    async (beforePrepend?: () => void) => {
      if (!older || loadingOlder) return
      setLoadingOlder(true)
      try {
        const page = await get<Page>(`${base}/messages${qs({ before: older, limit: pageSize })}`)
        beforePrepend?.()
        setMessages((old) => merge(old, page.messages))
        setOlder(page.nextCursor)
      } catch (err) {
        setError(err)
      } finally {
        setLoadingOlder(false)
      }
    },
    [base, older, loadingOlder],
  )

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
  const refreshActivity = useDebounced(async () => {
    try {
      await Promise.all([loadConversation(), loadActivity()])
    } catch (err) {
      setError(err)
    }
  }, 100)
  useLive((event) => {
    const p = event.payload ?? {}
    if (event.kind === openedKind) refreshActivity()
    if (conversationEvents.includes(event.kind) && p.conversationId === conversationId) refreshActivity()
  }, conversationEvents)
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

  const reloadAfterSend = useCallback(async () => {
    try {
      await Promise.all([loadNewest(), loadConversation()])
    } catch (err) {
      setError(err)
    }
  }, [loadNewest, loadConversation])

  const reloadActivity = useCallback(async () => {
    try {
      await Promise.all([loadConversation(), loadActivity()])
    } catch (err) {
      setError(err)
    }
  }, [loadConversation, loadActivity])

  return {
    conversation,
    messages,
    activity,
    hasOlder: older !== null,
    loadingOlder,
    loaded,
    error,
    dismissError: () => setError(undefined),
    loadOlder,
    reloadAfterSend,
    reloadActivity,
  }
}
