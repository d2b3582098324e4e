import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { Message, Tenant } from '../api-types.ts'
import { contactLabel, contactNumber, formatDay } from '../format.ts'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { Composer } from './composer.tsx'
import { MessageView } from './message-view.tsx'
import { useThread } from './use-thread.ts'

// One conversation: the messages oldest to newest, older pages loaded when you scroll to the top
// (keeping your place), new ones at the bottom as they come. What is loaded, and when, is
// useThread's (use-thread.ts); this view keeps the reader's place and renders.

export function Thread(props: {
  conversationId: string
  isAdmin: boolean
  tenants: Map<string, Tenant> | null
}) {
  const { t } = useTranslation('inbox')
  const thread = useThread(props.conversationId)
  const { conversation, messages, loaded, error } = thread
  const scroller = useRef<HTMLDivElement>(null)
  const keepFromBottom = useRef<number | null>(null)
  const stickToBottom = useRef(true)
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new conversation starts at the bottom
  useEffect(() => {
    stickToBottom.current = true
  }, [props.conversationId])

  const { loadOlder: loadOlderPage } = thread
  const loadOlder = useCallback(
    () =>
      loadOlderPage(() => {
        const el = scroller.current
        if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop
      }),
    [loadOlderPage],
  )

  // Keep the reader's place when older messages are prepended; follow new ones at the bottom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs after each change of the list
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (keepFromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom.current
      keepFromBottom.current = null
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [messages])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }

  const top = useRef<HTMLLIElement>(null)
  useEffect(() => {
    const el = top.current
    if (!el || !thread.hasOlder || !loaded) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadOlder()
      },
      { root: scroller.current, rootMargin: '200px 0px 0px 0px' },
    )
    observer.observe(el)
    return () => observer.disconnect()
  }, [thread.hasOlder, loaded, loadOlder])

  const onSent = async () => {
    stickToBottom.current = true
    await thread.reloadAfterSend()
  }

  const byWamid = useMemo(() => {
    const map = new Map<string, Message>()
    for (const m of messages) if (m.wamid) map.set(m.wamid, m)
    return map
  }, [messages])

  const focusMessage = (m: Message) => {
    const el = document.getElementById(`msg-${m.id}`)
    if (!el) return
    el.scrollIntoView({ block: 'center', behavior: 'smooth' })
    el.classList.add('flash')
    el.focus({ preventScroll: true })
    setTimeout(() => el.classList.remove('flash'), 1600)
  }

  if (error && !conversation) {
    return (
      <section className="thread">
        <div className="thread-header">
          <Link href="/inbox" className="back-link">
            {t('thread.backToList')}
          </Link>
        </div>
        <ErrorBox error={error} title={t('thread.openFailed')} />
      </section>
    )
  }

  const name = conversation ? contactLabel(conversation.contact) : ''
  let lastDay = ''
  return (
    <section
      className="thread"
      aria-label={name ? t('thread.labelWith', { name }) : t('thread.label')}
      aria-busy={!loaded}
    >
      <header className="thread-header">
        <Link href="/inbox" className="back-link" aria-label={t('thread.back')}>
          ←
        </Link>
        {conversation ? (
          <div className="thread-title">
            <h1>{name}</h1>
            <p className="muted small">
              {conversation.contact.name ? `${contactNumber(conversation.contact)} · ` : ''}
              {t('thread.to', { number: conversation.displayPhoneNumber ?? conversation.phoneNumberId })}
              {props.tenants
                ? ` · ${t('thread.tenant', { name: props.tenants.get(conversation.tenantId)?.name ?? conversation.tenantId })}`
                : ''}
            </p>
          </div>
        ) : (
          <div className="thread-title">
            <h1>{t('common:loading')}</h1>
          </div>
        )}
      </header>
      {error ? (
        <ErrorBox error={error} title={t('thread.refreshFailed')} onDismiss={thread.dismissError} />
      ) : null}
      <div className="messages-scroll" ref={scroller} onScroll={onScroll}>
        <ol
          className="messages"
          role="log"
          aria-live="polite"
          aria-relevant="additions"
          aria-label={t('thread.messages')}
        >
          <li ref={top} className="history-edge">
            {thread.hasOlder ? (
              <button
                type="button"
                className="secondary small"
                onClick={() => void loadOlder()}
                disabled={thread.loadingOlder}
              >
                {thread.loadingOlder ? t('thread.loadingOlder') : t('thread.loadOlder')}
              </button>
            ) : loaded ? (
              <span className="muted small">{t('thread.beginning')}</span>
            ) : null}
          </li>
          {messages.map((m) => {
            const day = new Date(m.createdAt).toDateString()
            const separator = day !== lastDay
            lastDay = day
            return (
              <Fragment key={m.id}>
                {separator ? (
                  <li className="day-separator">
                    <span>{formatDay(m.createdAt, t('thread.today'), t('thread.yesterday'))}</span>
                  </li>
                ) : null}
                <MessageView
                  message={m}
                  quoted={m.replyTo ? (byWamid.get(m.replyTo) ?? null) : undefined}
                  contactName={name}
                  onQuoteClick={focusMessage}
                />
              </Fragment>
            )
          })}
        </ol>
      </div>
      {conversation ? <Composer conversation={conversation} onSent={onSent} /> : null}
    </section>
  )
}
