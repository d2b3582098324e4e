import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react'
import { Trans, useTranslation } from 'react-i18next'
import { ApiError, post } from '../api.ts'
import type { Agent, Conversation, User } from '../api-types.ts'
import { formatBytes, formatCountdown } from '../format.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useNow } from '../ui/hooks.ts'
import { useAction } from '../ui/server-state.ts'
import { CannedRepliesDialog } from './canned-replies-dialog.tsx'
import { NoteComposer } from './note-composer.tsx'
import { SuggestionList, useSuggestions } from './suggestions.tsx'
import { TemplatePicker } from './template-picker.tsx'
import { useCannedSuggestions } from './use-canned.ts'

// The composer knows the 24-hour rule: free-form text and attachments while the customer-service
// window is open (with the time left), an approved template once it has closed. Sends go through
// POST /api/v1/messages in Meta's shapes; a refusal (422) is shown with the server's fix.
// `/shortcut` suggests the tenant's canned replies; the Note mode writes a private note instead.

type Queued = { id: string; status: string }

function mediaKind(mime: string): 'image' | 'video' | 'audio' | 'document' {
  if (mime.startsWith('image/') && mime !== 'image/svg+xml') return 'image'
  if (mime.startsWith('video/')) return 'video'
  if (mime.startsWith('audio/')) return 'audio'
  return 'document'
}

export function Composer(props: {
  conversation: Conversation
  user: User
  agents: Agent[]
  onSent: (id: string) => void
  onNoted: () => Promise<void>
}) {
  const { t } = useTranslation('inbox')
  const [mode, setMode] = useState<'reply' | 'note'>('reply')
  const [managing, setManaging] = useState(false)
  const modes: { key: 'reply' | 'note'; label: string }[] = [
    { key: 'reply', label: t('composer.modeReply') },
    { key: 'note', label: t('composer.modeNote') },
  ]
  return (
    <section className={`composer mode-${mode}`} aria-label={t('composer.label')}>
      <div className="composer-modes">
        {modes.map((m) => (
          <button
            key={m.key}
            type="button"
            className={`mode${mode === m.key ? ' on' : ''}`}
            aria-pressed={mode === m.key}
            onClick={() => setMode(m.key)}
          >
            {m.label}
          </button>
        ))}
        <button type="button" className="link-button manage-canned" onClick={() => setManaging(true)}>
          {t('canned.manage')}
        </button>
      </div>
      {mode === 'note' ? (
        <NoteComposer
          conversation={props.conversation}
          user={props.user}
          agents={props.agents}
          onNoted={props.onNoted}
        />
      ) : (
        <ReplyComposer conversation={props.conversation} onSent={props.onSent} />
      )}
      {managing ? (
        <CannedRepliesDialog tenantId={props.conversation.tenantId} onClose={() => setManaging(false)} />
      ) : null}
    </section>
  )
}

function ReplyComposer(props: { conversation: Conversation; onSent: (id: string) => void }) {
  const { t } = useTranslation('inbox')
  const { conversation } = props
  const ids = useId()
  const now = useNow(1000)
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const action = useAction()
  const sending = action.busy !== null
  const [forceTemplate, setForceTemplate] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const box = useRef<HTMLTextAreaElement>(null)
  const canned = useCannedSuggestions(conversation, text, setText, box)
  const suggestions = useSuggestions(canned.items.length, canned.pick, canned.close)

  const closesAt = conversation.window.closesAt
  const left = closesAt ? closesAt - now : 0
  const windowOpen = conversation.window.open && left > 0 && !forceTemplate
  const to = conversation.contact.waId ?? conversation.contact.userId ?? ''
  const base = { from: conversation.phoneNumberId, to }

  // A send (and an attachment's upload before it); a refusal because the window has closed
  // switches to the template picker.
  async function queue(body: Record<string, unknown>): Promise<void> {
    try {
      const queued = await post<Queued>('/api/v1/messages', { ...base, ...body })
      props.onSent(queued.id)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'window_closed') setForceTemplate(true)
      throw err
    }
  }
  const send = (body: Record<string, unknown>) => action.run('send', () => queue(body))

  async function sendFree(e?: FormEvent) {
    e?.preventDefault()
    const body = text.trim()
    if (!body && !file) return
    if (file) {
      const kind = mediaKind(file.type)
      const sent = await action.run('send', async () => {
        const form = new FormData()
        form.set('from', conversation.phoneNumberId)
        form.set('file', file, file.name)
        const uploaded = await post<{ id: string }>('/api/v1/media', form)
        const media: Record<string, string> = { id: uploaded.id }
        if (body && kind !== 'audio') media.caption = body
        if (kind === 'document') media.filename = file.name
        await queue({ type: kind, [kind]: media })
      })
      if (sent) {
        setFile(null)
        setText('')
        if (fileInput.current) fileInput.current.value = ''
      }
      return
    }
    if (await send({ type: 'text', text: { body, preview_url: /https?:\/\//.test(body) } })) setText('')
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (suggestions.onKeyDown(e)) return
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void sendFree()
    }
  }

  return (
    <>
      <ErrorBox error={action.error} title={t('composer.notSent')} onDismiss={action.reset} />
      {windowOpen ? (
        <form onSubmit={sendFree} className="free-form">
          <p className="window-countdown" id={`${ids}-window`}>
            <span className="dot open" aria-hidden="true" />{' '}
            <Trans
              t={t}
              i18nKey="composer.windowOpen"
              values={{ left: formatCountdown(left) }}
              components={{ timer: <strong role="timer" /> }}
            />
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
                {t('composer.remove')}
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
            <label htmlFor={`${ids}-file`} className="button secondary attach" title={t('composer.attach')}>
              <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" className="icon">
                <path
                  d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                />
              </svg>
              <span className="visually-hidden">{t('composer.attach')}</span>
            </label>
            <label htmlFor={`${ids}-text`} className="visually-hidden">
              {file ? t('composer.caption') : t('composer.message')}
            </label>
            <div className="suggest-wrap">
              <SuggestionList
                id={`${ids}-canned`}
                label={t('canned.suggestions')}
                items={canned.items.map((r) => ({
                  id: r.id,
                  label: `/${r.shortcut}`,
                  detail: r.rendered ?? r.body,
                }))}
                active={suggestions.active}
                onPick={canned.pick}
              />
              <textarea
                ref={box}
                id={`${ids}-text`}
                rows={2}
                value={text}
                placeholder={file ? t('composer.captionPlaceholder') : t('composer.placeholder')}
                onChange={(e) => {
                  setText(e.target.value)
                  canned.onInput(e.target)
                }}
                onSelect={(e) => canned.onInput(e.currentTarget)}
                onKeyDown={onKeyDown}
                aria-describedby={`${ids}-window`}
                aria-autocomplete="list"
                aria-controls={canned.items.length ? `${ids}-canned` : undefined}
                aria-activedescendant={
                  canned.items.length ? `${ids}-canned-${suggestions.active}` : undefined
                }
                maxLength={4096}
              />
            </div>
            <button type="submit" disabled={sending || (!text.trim() && !file)}>
              {sending ? t('composer.sending') : t('composer.send')}
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
    </>
  )
}
