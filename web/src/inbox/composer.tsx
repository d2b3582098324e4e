import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react'
import { ApiError, post } from '../api.ts'
import type { Conversation } from '../api-types.ts'
import { formatBytes, formatCountdown } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useNow } from '../ui/hooks.ts'
import { TemplatePicker } from './template-picker.tsx'

// The composer knows the 24-hour rule: free-form text and attachments while the customer-service
// window is open (with the time left), an approved template once it has closed. Sends go through
// POST /api/v1/messages in Meta's shapes; a refusal (422) is shown with the server's fix.

type Queued = { id: string; status: string }

function mediaKind(mime: string): 'image' | 'video' | 'audio' | 'document' {
  if (mime.startsWith('image/') && mime !== 'image/svg+xml') return 'image'
  if (mime.startsWith('video/')) return 'video'
  if (mime.startsWith('audio/')) return 'audio'
  return 'document'
}

export function Composer(props: { conversation: Conversation; onSent: (id: string) => void }) {
  const { conversation } = props
  const ids = useId()
  const now = useNow(1000)
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<unknown>()
  const [forceTemplate, setForceTemplate] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)

  const closesAt = conversation.window.closesAt
  const left = closesAt ? closesAt - now : 0
  const windowOpen = conversation.window.open && left > 0 && !forceTemplate
  const to = conversation.contact.waId ?? conversation.contact.userId ?? ''
  const base = { from: conversation.phoneNumberId, to }

  async function send(body: Record<string, unknown>): Promise<boolean> {
    setSending(true)
    setError(undefined)
    try {
      const queued = await post<Queued>('/api/v1/messages', { ...base, ...body })
      props.onSent(queued.id)
      return true
    } catch (err) {
      setError(err)
      if (err instanceof ApiError && err.code === 'window_closed') setForceTemplate(true)
      return false
    } finally {
      setSending(false)
    }
  }

  async function sendFree(e?: FormEvent) {
    e?.preventDefault()
    const body = text.trim()
    if (!body && !file) return
    if (file) {
      const kind = mediaKind(file.type)
      setSending(true)
      setError(undefined)
      let mediaId: string
      try {
        const form = new FormData()
        form.set('from', conversation.phoneNumberId)
        form.set('file', file, file.name)
        const uploaded = await post<{ id: string }>('/api/v1/media', form)
        mediaId = uploaded.id
      } catch (err) {
        setError(err)
        setSending(false)
        return
      }
      const media: Record<string, string> = { id: mediaId }
      if (body && kind !== 'audio') media.caption = body
      if (kind === 'document') media.filename = file.name
      if (await send({ type: kind, [kind]: media })) {
        setFile(null)
        setText('')
        if (fileInput.current) fileInput.current.value = ''
      }
      return
    }
    if (await send({ type: 'text', text: { body, preview_url: /https?:\/\//.test(body) } })) setText('')
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void sendFree()
    }
  }

  return (
    <section className="composer" aria-label="Reply">
      <ErrorBox error={error} title="Not sent" onDismiss={() => setError(undefined)} />
      {windowOpen ? (
        <form onSubmit={sendFree} className="free-form">
          <p className="window-countdown" id={`${ids}-window`}>
            <span className="dot open" aria-hidden="true" /> Window open: free-form replies for{' '}
            <strong role="timer">{formatCountdown(left)}</strong>
          </p>
          {file ? (
            <p className="attachment-chip">
              <span aria-hidden="true">📎</span> {file.name}{' '}
              <span className="muted">({formatBytes(file.size)})</span>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setFile(null)
                  if (fileInput.current) fileInput.current.value = ''
                }}
              >
                Remove
              </button>
            </p>
          ) : null}
          <div className="composer-row">
            <input
              ref={fileInput}
              id={`${ids}-file`}
              type="file"
              className="visually-hidden"
              accept="image/jpeg,image/png,image/webp,video/mp4,video/3gpp,audio/aac,audio/mp4,audio/mpeg,audio/amr,audio/ogg,application/pdf,text/plain,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            <label htmlFor={`${ids}-file`} className="button secondary attach" title="Attach a file">
              <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" className="icon">
                <path
                  d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                />
              </svg>
              <span className="visually-hidden">Attach a file</span>
            </label>
            <label htmlFor={`${ids}-text`} className="visually-hidden">
              {file ? 'Caption' : 'Message'}
            </label>
            <textarea
              id={`${ids}-text`}
              rows={2}
              value={text}
              placeholder={
                file ? 'Add a caption (optional)' : 'Write a reply… (Enter sends, Shift+Enter new line)'
              }
              onChange={(e) => setText(e.target.value)}
              onKeyDown={onKeyDown}
              aria-describedby={`${ids}-window`}
              maxLength={4096}
            />
            <button type="submit" disabled={sending || (!text.trim() && !file)}>
              {sending ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      ) : (
        <TemplatePicker
          conversation={conversation}
          sending={sending}
          onSend={(template) => send({ type: 'template', template })}
        />
      )}
    </section>
  )
}
