import { useCallback, useEffect, useState } from 'react'
import { get, qs } from '../api.ts'
import type { Conversation } from '../api-types.ts'
import { useLive } from '../live.tsx'
import { useDebounced } from '../ui/hooks.ts'
import type { Assignee } from './list-filters.tsx'
import { conversationEvents } from './team.ts'

// An agent's unread conversations per tab (mine, unassigned), kept live: a page of up to 200
// unread conversations each, counted here (the list API has no count; 200+ shows as 200).

export function useUnreadByTab(enabled: boolean): Partial<Record<Assignee, number>> {
  const [counts, setCounts] = useState<Partial<Record<Assignee, number>>>({})
  const load = useCallback(async () => {
    if (!enabled) return
    const count = async (assignee: string) =>
      (
        await get<{ conversations: Conversation[] }>(
          `/api/v1/conversations${qs({ assignee, unread: true, limit: 200 })}`,
        )
      ).conversations.length
    try {
      const [me, unassigned] = await Promise.all([count('me'), count('unassigned')])
      setCounts({ me, unassigned })
    } catch {
      // the badges are a convenience: the list itself shows any error
    }
  }, [enabled])
  useEffect(() => {
    void load()
  }, [load])
  const refresh = useDebounced(() => void load(), 400)
  useLive(refresh, ['message.received', ...conversationEvents])
  useEffect(() => {
    window.addEventListener('wahub:conversation-read', refresh)
    return () => window.removeEventListener('wahub:conversation-read', refresh)
  }, [refresh])
  return counts
}
