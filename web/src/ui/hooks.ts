import { useCallback, useEffect, useRef, useState } from 'react'

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
