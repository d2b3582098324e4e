import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react'
import type { LiveEvent } from './api-types.ts'

// One EventSource per tab on GET /api/v1/live (SSE read from the events table, so it works across
// server instances). Components subscribe to the kinds they care about. EventSource reconnects by
// itself and resumes after the last id it saw (Last-Event-ID); when the server refused the stream
// (EventSource gives up), a new one is opened later with `?after=` the last id seen.

type Listener = (event: LiveEvent) => void

/** A pseudo-event delivered to every subscriber when the stream (re)opens. */
export const openedKind = 'live.opened'
export type LiveState = 'connecting' | 'live' | 'reconnecting'

type LiveHub = { subscribe(listener: Listener): () => void; state: LiveState }

const LiveContext = createContext<LiveHub>({ subscribe: () => () => {}, state: 'connecting' })

export function LiveProvider(props: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>())
  const [state, setState] = useState<LiveState>('connecting')
  useEffect(() => {
    let source: EventSource | undefined
    let lastId: number | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    let closed = false
    const open = () => {
      source = new EventSource(lastId === undefined ? '/api/v1/live' : `/api/v1/live?after=${lastId}`)
      source.onopen = () => {
        setState('live')
        // What changed before the stream was open (page load, a reconnect without a cursor) was
        // not streamed: subscribers re-read what they show.
        const opened: LiveEvent = {
          id: -1,
          kind: openedKind,
          tenantId: null,
          subjectId: null,
          payload: null,
          createdAt: Date.now(),
        }
        for (const l of listeners.current) l(opened)
      }
      source.onerror = () => {
        setState('reconnecting')
        if (source?.readyState === EventSource.CLOSED && !closed) {
          retry = setTimeout(open, 5000)
        }
      }
      source.onmessage = (message) => {
        let event: LiveEvent
        try {
          event = JSON.parse(message.data) as LiveEvent
        } catch {
          return
        }
        lastId = event.id
        for (const l of listeners.current) l(event)
      }
    }
    open()
    return () => {
      closed = true
      clearTimeout(retry)
      source?.close()
    }
  }, [])
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener)
    return () => {
      listeners.current.delete(listener)
    }
  }, [])
  const hub = useMemo(() => ({ subscribe, state }), [subscribe, state])
  return <LiveContext.Provider value={hub}>{props.children}</LiveContext.Provider>
}

/** Calls `onEvent` for each live event of the given kinds (all when none given), and on `openedKind`. */
export function useLive(onEvent: Listener, kinds?: string[]): void {
  const { subscribe } = useContext(LiveContext)
  const handler = useRef(onEvent)
  handler.current = onEvent
  const key = kinds?.join(',') ?? ''
  useEffect(() => {
    const wanted = key ? new Set(key.split(',')) : null
    return subscribe((event) => {
      if (!wanted || wanted.has(event.kind) || event.kind === openedKind) handler.current(event)
    })
  }, [subscribe, key])
}

export function useLiveState(): LiveState {
  return useContext(LiveContext).state
}
