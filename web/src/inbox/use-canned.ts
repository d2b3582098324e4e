import { type RefObject, useEffect, useState } from 'react'
import { get, qs } from '../api.ts'
import type { CannedReply, Conversation } from '../api-types.ts'
import { replaceToken, type Token, tokenAt, usePendingCaret } from './suggestions.tsx'

// `/shortcut` in the reply box: the tenant's canned replies whose shortcut starts with what is
// typed, rendered for this conversation by the server (GET /api/v1/canned-replies?q=&conversation_id=);
// picking one replaces the `/word` with the rendered text.

export function useCannedSuggestions(
  conversation: Conversation,
  text: string,
  setText: (text: string) => void,
  box: RefObject<HTMLTextAreaElement | null>,
) {
  const [token, setToken] = useState<Token | null>(null)
  const [items, setItems] = useState<CannedReply[]>([])
  const query = token?.query
  // The caret goes after the picked reply (and the focus back, which a click on the list took).
  const placeCaret = usePendingCaret(box)

  useEffect(() => {
    if (query === undefined) {
      setItems([])
      return
    }
    let cancelled = false
    const timer = setTimeout(async () => {
      try {
        const { cannedReplies } = await get<{ cannedReplies: CannedReply[] }>(
          `/api/v1/canned-replies${qs({ q: `/${query}`, conversation_id: conversation.id })}`,
        )
        if (!cancelled) setItems(cannedReplies.slice(0, 8))
      } catch {
        if (!cancelled) setItems([])
      }
    }, 120)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [query, conversation.id])

  return {
    items: token ? items : [],
    onInput(el: HTMLTextAreaElement) {
      setToken(tokenAt(el.value, el.selectionStart, '/'))
    },
    pick(index: number) {
      const reply = items[index]
      if (!reply || !token) return
      const next = replaceToken(text, token, reply.rendered ?? reply.body)
      setText(next.text)
      setToken(null)
      placeCaret(next.caret)
    },
    close() {
      setToken(null)
    },
  }
}
