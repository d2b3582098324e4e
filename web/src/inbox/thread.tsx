import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Activity, Message, Tenant, User } from '../api-types.ts'
import { contactLabel, contactNumber, formatDay } from '../format.ts'
import { Link } from '../router.tsx'
import { ErrorBox } from '../ui/error-box.tsx'
import { ActivityLine } from './activity-line.tsx'
import { Composer } from './composer.tsx'
import { ContactPanel } from './contact-panel.tsx'
import { MessageView } from './message-view.tsx'
import { SentTemplatesProvider } from './sent-template.tsx'
import { useAgents, useLabels } from './team.ts'
import { ThreadActions } from './thread-actions.tsx'
import { useThread } from './use-thread.ts'

// One conversation: the messages oldest to newest with the team's activity (status, assignment,
// labels, private notes) between them by time, older pages loaded when you scroll to the top
// (keeping your place), new ones at the bottom as they come; the header's actions and the
// contact panel beside it. What is loaded, and when, is useThread's (use-thread.ts); this view
// keeps the reader's place and renders.

type Item = { at: number; message?: Message; activity?: Activity; key: string }

const contactPanelKey = 'wahub.contactPanel'

export function Thread(props: { conversationId: string; user: User; tenants: Map<string, Tenant> | null }) {
  const { t } = useTranslation('inbox')
  const thread = useThread(props.conversationId)
  const { conversation, messages, activity, loaded, error } = thread
  const tenantId = conversation?.tenantId ?? null
  const team = useAgents(tenantId)
  const { labels } = useLabels(tenantId)
  // Beside the thread on a wide screen (open unless closed before); over it on a narrower one, so
  // there only when asked for.
  const wide = () => window.matchMedia('(min-width: 1101px)').matches
  const [panel, setPanel] = useState(() => wide() && localStorage.getItem(contactPanelKey) !== 'closed')
  const togglePanel = () => {
    if (wide()) localStorage.setItem(contactPanelKey, panel ? 'closed' : 'open')
    setPanel(!panel)
  }
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
  }, [messages, activity])

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
  // Activity older than the oldest loaded message waits until that page is loaded.
  const from = thread.hasOlder && messages.length ? messages[0].createdAt : 0
  const items: Item[] = [
    ...messages.map((m) => ({ at: m.createdAt, message: m, key: `m-${m.id}` })),
    ...activity
      .filter((a) => a.createdAt >= from)
      .map((a) => ({ at: a.createdAt, activity: a, key: `a-${a.id}` })),
  ].sort((a, b) => a.at - b.at)
  const canSend = conversation?.numberInTenant !== false && props.user.role === 'agent'
  let lastDay = ''
  return (
    <SentTemplatesProvider numberId={conversation?.numberId}>
      <section
        className={`thread${panel ? ' with-panel' : ''}`}
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
          {conversation ? (
            <button
              type="button"
              className="secondary small contact-toggle"
              aria-pressed={panel}
              onClick={togglePanel}
            >
              {t('contact.toggle')}
            </button>
          ) : null}
        </header>
        {conversation ? (
          <ThreadActions
            conversation={conversation}
            user={props.user}
            agents={team.agents}
            labels={labels}
            onChanged={thread.reloadActivity}
          />
        ) : null}
        <div className="thread-body">
          <div className="thread-main">
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
                {items.map((item) => {
                  const day = new Date(item.at).toDateString()
                  const separator = day !== lastDay
                  lastDay = day
                  const m = item.message
                  return (
                    <Fragment key={item.key}>
                      {separator ? (
                        <li className="day-separator">
                          <span>{formatDay(item.at, t('thread.today'), t('thread.yesterday'))}</span>
                        </li>
                      ) : null}
                      {m ? (
                        <MessageView
                          message={m}
                          quoted={m.replyTo ? (byWamid.get(m.replyTo) ?? null) : undefined}
                          contactName={name}
                          onQuoteClick={focusMessage}
                          onRetried={canSend ? thread.reloadAfterSend : undefined}
                        />
                      ) : item.activity ? (
                        <ActivityLine activity={item.activity} agents={team.byId} />
                      ) : null}
                    </Fragment>
                  )
                })}
              </ol>
            </div>
            {conversation && !conversation.numberInTenant ? (
              <p className="read-only-notice" role="note">
                {t('thread.readOnly', {
                  number: conversation.displayPhoneNumber ?? conversation.phoneNumberId,
                })}
              </p>
            ) : conversation ? (
              <Composer
                conversation={conversation}
                user={props.user}
                agents={team.agents}
                onSent={onSent}
                onNoted={thread.reloadActivity}
              />
            ) : null}
          </div>
          {conversation && panel ? (
            <ContactPanel conversation={conversation} user={props.user} onChanged={thread.reloadActivity} />
          ) : null}
        </div>
      </section>
    </SentTemplatesProvider>
  )
}
