import { useCallback, useEffect, useRef, useState } from 'react'

export type Load<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void> }

/** Loads with `fn` now and whenever `deps` change; `reload()` loads again keeping the old data. */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Load<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<unknown>()
  const [loading, setLoading] = useState(true)
  const fnRef = useRef(fn)
  fnRef.current = fn
  const seq = useRef(0)
  const run = useCallback(async () => {
    const mine = ++seq.current
    const controller = new AbortController()
    setLoading(true)
    try {
      const value = await fnRef.current(controller.signal)
      if (mine === seq.current) {
        setData(value)
        setError(undefined)
      }
    } catch (err) {
      if (mine === seq.current && (err as Error).name !== 'AbortError') setError(err)
    } finally {
      if (mine === seq.current) setLoading(false)
    }
  }, [])
  useEffect(
    () => {
      void run()
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
    deps,
  )
  return { data, error, loading, reload: run }
}

/** The current time, ticking every `everyMs` (countdowns). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}

/** Calls `fn` at most once per `ms`, trailing. */
export function useDebounced(fn: () => void, ms: number): () => void {
  const fnRef = useRef(fn)
  fnRef.current = fn
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  return useCallback(() => {
    clearTimeout(timer.current)
    timer.current = setTimeout(() => fnRef.current(), ms)
  }, [ms])
}
