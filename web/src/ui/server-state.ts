import { keepPreviousData, QueryClient, useMutation, useQuery } from '@tanstack/react-query'
import { useCallback } from 'react'

// Server state in one place (TanStack Query): every load and every button that changes something
// goes through these two hooks, so busy, error, "done" and retry are handled once, not per view.

export const queryClient = new QueryClient({
  defaultOptions: {
    // The dashboard shows an error with its fix at once and lets the person retry; live updates
    // (SSE) invalidate what changed, so no polling on focus either.
    queries: { retry: false, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
})

export type Load<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void> }

/** Loads `fn` under `key` (the key's parts are what it depends on); `reload()` loads again keeping the data. */
export function useLoad<T>(key: readonly unknown[], fn: (signal: AbortSignal) => Promise<T>): Load<T> {
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fn(signal),
    placeholderData: keepPreviousData,
  })
  const { refetch } = q
  const reload = useCallback(async () => {
    await refetch()
  }, [refetch])
  return { data: q.data, error: q.error ?? undefined, loading: q.isFetching, reload }
}

type Run = { what: string; fn: () => Promise<unknown> }

export type Action = {
  /** What is running (the `what` given to `run`), or null. */
  busy: string | null
  error: unknown
  /** The sentence the last successful run returned, for a success notice. */
  done: string | null
  /** Runs `fn`; a string it returns becomes `done`; an error becomes `error`. Never throws. */
  run: (what: string, fn: () => Promise<unknown>) => Promise<boolean>
  /** Shows an error found before any request (a form's own check). */
  fail: (error: unknown) => void
  reset: () => void
}

/** One button's or form's request: busy while it runs, its error, its success sentence. */
export function useAction(): Action {
  const m = useMutation({
    mutationFn: async (r: Run) => {
      const said = await r.fn()
      return typeof said === 'string' ? said : null
    },
  })
  const { mutateAsync, reset } = m
  const run = useCallback(
    async (what: string, fn: Run['fn']) => {
      try {
        await mutateAsync({ what, fn })
        return true
      } catch {
        return false
      }
    },
    [mutateAsync],
  )
  const fail = useCallback(
    (error: unknown) => {
      void mutateAsync({
        what: '',
        fn: async () => {
          throw error
        },
      }).catch(() => {})
    },
    [mutateAsync],
  )
  return {
    busy: m.isPending ? (m.variables?.what ?? '') : null,
    error: m.error ?? undefined,
    done: m.isSuccess ? (m.data ?? null) : null,
    run,
    fail,
    reset,
  }
}
