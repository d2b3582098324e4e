import { type FormEvent, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { post } from '../api.ts'
import type { Agent, Conversation, User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { useAction } from '../ui/server-state.ts'
import { replaceToken, SuggestionList, tokenAt, usePendingCaret, useSuggestions } from './suggestions.tsx'
import { agentName } from './team.ts'

// A private note (POST /conversations/{id}/notes): only the team sees it, it is never sent to
// WhatsApp. Typing @ suggests teammates; a mentioned teammate gets a notification.

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function NoteComposer(props: {
  conversation: Conversation
  user: User
  agents: Agent[]
  onNoted: () => Promise<void>
}) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const [text, setText] = useState('')
  const [caret, setCaret] = useState(0)
  const [closed, setClosed] = useState(false)
  const box = useRef<HTMLTextAreaElement>(null)
  // The caret goes after the picked mention.
  const placeCaret = usePendingCaret(box)
  const action = useAction()

  const token = closed ? null : tokenAt(text, caret, '@')
  const teammates = props.agents.filter((a) => a.id !== props.user.id)
  const matches = token
    ? teammates
        .filter((a) => agentName(a.email).toLowerCase().startsWith(token.query.toLowerCase()))
        .slice(0, 8)
    : []
  const pick = (i: number) => {
    const agent = matches[i]
    if (!agent || !token) return
    const next = replaceToken(text, token, `@${agentName(agent.email)} `)
    setText(next.text)
    setCaret(next.caret)
    placeCaret(next.caret)
  }
  const suggestions = useSuggestions(matches.length, pick, () => setClosed(true))

  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    const body = text.trim()
    if (!body) return
    const mentions = teammates.filter((a) =>
      new RegExp(`(^|\\s)@${escapeRegExp(agentName(a.email))}(?![\\w.+-])`).test(body),
    )
    const ok = await action.run('note', async () => {
      await post(`/api/v1/conversations/${encodeURIComponent(props.conversation.id)}/notes`, {
        body,
        mentions: mentions.map((a) => a.id),
      })
      await props.onNoted()
    })
    if (ok) setText('')
  }

  return (
    <form className="note-form" onSubmit={submit}>
      <ErrorBox error={action.error} title={t('note.notSaved')} onDismiss={action.reset} />
      <p className="note-hint" id={`${ids}-hint`}>
        {t('note.hint')}
      </p>
      <div className="composer-row">
        <label htmlFor={`${ids}-text`} className="visually-hidden">
          {t('note.label')}
        </label>
        <div className="suggest-wrap">
          <SuggestionList
            id={`${ids}-mentions`}
            label={t('note.teammates')}
            items={matches.map((a) => ({
              id: a.id,
              label: `@${agentName(a.email)}`,
              detail: a.email,
            }))}
            active={suggestions.active}
            onPick={pick}
          />
          <textarea
            ref={box}
            id={`${ids}-text`}
            rows={2}
            value={text}
            placeholder={t('note.placeholder')}
            aria-describedby={`${ids}-hint`}
            aria-autocomplete="list"
            aria-controls={matches.length ? `${ids}-mentions` : undefined}
            aria-activedescendant={matches.length ? `${ids}-mentions-${suggestions.active}` : undefined}
            maxLength={4096}
            onChange={(e) => {
              setText(e.target.value)
              setCaret(e.target.selectionStart)
              setClosed(false)
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onKeyDown={(e) => {
              if (suggestions.onKeyDown(e)) return
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault()
                void submit()
              }
            }}
          />
        </div>
        <button type="submit" className="note-button" disabled={action.busy !== null || !text.trim()}>
          {t('note.add')}
        </button>
      </div>
    </form>
  )
}
