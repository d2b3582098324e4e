import { type KeyboardEvent, type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react'

// Suggestions under a text box while a token is typed (`/shortcut` in the reply, `@name` in a
// note): a listbox the arrow keys move through, Enter or Tab picks, Escape closes; the text box
// keeps the focus (aria-activedescendant).

export type Token = { start: number; end: number; prefix: string; query: string }

/** The `/word` or `@word` ending at the caret, if the caret is in one. */
export function tokenAt(text: string, caret: number, prefix: '/' | '@'): Token | null {
  const before = text.slice(0, caret)
  const re = prefix === '/' ? /(?:^|\s)\/([a-z0-9_-]*)$/i : /(?:^|\s)@([\w.+-]*)$/
  const m = re.exec(before)
  if (!m) return null
  const start = caret - m[1].length - 1
  return { start, end: caret, prefix, query: m[1] }
}

/** Replaces the token with `insert` and answers the new text and caret. */
export function replaceToken(text: string, token: Token, insert: string): { text: string; caret: number } {
  const next = text.slice(0, token.start) + insert + text.slice(token.end)
  return { text: next, caret: token.start + insert.length }
}

/**
 * Puts the focus and the caret back in `box` at `caret` once the text set with the same update
 * is rendered — before the next key is handled. (A requestAnimationFrame could run after keys
 * typed meanwhile and move the caret back into the middle of what was typed.) Call the answered
 * function with the caret right after setting the new text.
 */
export function usePendingCaret(box: RefObject<HTMLTextAreaElement | null>): (caret: number) => void {
  const pending = useRef<number | null>(null)
  useLayoutEffect(() => {
    if (pending.current === null) return
    box.current?.focus()
    box.current?.setSelectionRange(pending.current, pending.current)
    pending.current = null
  })
  return (caret) => {
    pending.current = caret
  }
}

export type Suggestion = { id: string; label: ReactNode; detail?: ReactNode }

export function useSuggestions(count: number, onPick: (index: number) => void, onClose: () => void) {
  const [active, setActive] = useState(0)
  const index = count ? Math.min(active, count - 1) : 0
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!count) return false
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((index + (e.key === 'ArrowDown' ? 1 : count - 1)) % count)
      return true
    }
    if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      e.preventDefault()
      onPick(index)
      setActive(0)
      return true
    }
    if (e.key === 'Escape') {
      e.preventDefault()
      onClose()
      return true
    }
    return false
  }
  return { active: index, onKeyDown, reset: () => setActive(0) }
}

export function SuggestionList(props: {
  id: string
  label: string
  items: Suggestion[]
  active: number
  onPick: (index: number) => void
}) {
  if (!props.items.length) return null
  return (
    <div id={props.id} role="listbox" aria-label={props.label} className="suggestions">
      {props.items.map((s, i) => (
        <div
          key={s.id}
          tabIndex={-1}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          onMouseDown={(e) => {
            e.preventDefault() // keep the text box focused
            props.onPick(i)
          }}
        >
          <span className="suggestion-label">{s.label}</span>
          {s.detail ? <span className="suggestion-detail">{s.detail}</span> : null}
        </div>
      ))}
    </div>
  )
}
