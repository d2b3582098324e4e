import i18next from 'i18next'
import { type CSSProperties, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Message } from '../api-types.ts'

// Delivery ticks of an outgoing message. Failed and unknown ones are buttons: hover, focus or tap
// shows why (Meta's code and Wahub's explanation from the error catalogue).

const tr = (key: string, values?: Record<string, unknown>) => i18next.t(`inbox:status.${key}`, values ?? {})

function glyph(status: string): string {
  switch (status) {
    case 'sent':
      return '✓'
    case 'delivered':
    case 'read':
      return '✓✓'
    case 'failed':
      return '!'
    case 'unknown':
      return '?'
    default:
      return '🕓'
  }
}

export function explanationOf(message: Message): string {
  const e = message.error
  if (message.status === 'unknown' && !e) {
    return tr('unknownExplained')
  }
  if (!e) return tr('noDetails')
  const parts = [e.explanation || e.title || tr('refused')]
  if (e.details && e.details !== e.explanation) parts.push(tr('metaSays', { details: e.details }))
  return parts.join(' ')
}

export function StatusTick(props: { message: Message }) {
  const { t } = useTranslation('inbox')
  const { status } = props.message
  const label = t(`status.${status}`, { defaultValue: status })
  const problem = status === 'failed' || status === 'unknown'
  const [hovered, setHovered] = useState(false)
  const [focused, setFocused] = useState(false)
  const [pinned, setPinned] = useState(false)
  const [place, setPlace] = useState<CSSProperties>({})
  const open = hovered || focused || pinned
  const id = useId()
  const ref = useRef<HTMLSpanElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  // Placed in the viewport (fixed), below the tick when there is room, else above it: the thread
  // scrolls, and an absolute popover would be cut off at its edge.
  useEffect(() => {
    if (!open) return
    const r = button.current?.getBoundingClientRect()
    if (r) {
      const right = Math.max(8, window.innerWidth - r.right)
      setPlace(
        window.innerHeight - r.bottom > 260 || r.top < 240
          ? { position: 'fixed', right, top: r.bottom + 6, bottom: 'auto' }
          : { position: 'fixed', right, bottom: window.innerHeight - r.top + 6, top: 'auto' },
      )
    }
    const close = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) {
        setPinned(false)
        setHovered(false)
      }
    }
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      setPinned(false)
      setHovered(false)
      setFocused(false)
    }
    const onScroll = () => {
      setPinned(false)
      setHovered(false)
      setFocused(false)
    }
    document.addEventListener('pointerdown', close)
    document.addEventListener('keydown', onEscape)
    document.addEventListener('scroll', onScroll, true)
    return () => {
      document.removeEventListener('pointerdown', close)
      document.removeEventListener('keydown', onEscape)
      document.removeEventListener('scroll', onScroll, true)
    }
  }, [open])

  if (!problem) {
    return (
      <span className={`tick tick-${status}`} title={label} data-status={status}>
        <span aria-hidden="true">{glyph(status)}</span>
        <span className="visually-hidden">{label}</span>
      </span>
    )
  }
  const code = props.message.error?.code
  return (
    <span className="tick-wrap" ref={ref}>
      <button
        ref={button}
        type="button"
        className={`tick tick-${status} tick-button`}
        data-status={status}
        aria-expanded={open}
        aria-describedby={id}
        onClick={() => setPinned((p) => !p)}
        onMouseEnter={() => setHovered(true)}
        onMouseLeave={() => setHovered(false)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
      >
        <span aria-hidden="true">{glyph(status)}</span> {label}
        {code ? <span className="visually-hidden"> ({t('status.metaError', { code })})</span> : null}
      </button>
      <span id={id} role="tooltip" className={`tick-popover${open ? ' open' : ''}`} style={place}>
        <strong>
          {label}
          {code ? ` · ${t('status.metaError', { code })}` : ''}
        </strong>
        <span className="explanation">{explanationOf(props.message)}</span>
      </span>
    </span>
  )
}
