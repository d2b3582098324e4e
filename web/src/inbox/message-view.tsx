import { useTranslation } from 'react-i18next'
import type { Message } from '../api-types.ts'
import { formatTime } from '../format.ts'
import { Body } from './message-body.tsx'
import { obj, str, summary } from './message-content.ts'
import { RetryButton } from './retry-button.tsx'
import { StatusTick } from './status-tick.tsx'

// One message of a thread, every type Meta delivers or Wahub sends: the bubble (quote, ad
// referral, body, time and ticks), reactions, and Meta's error on an inbound message.

export function MessageView(props: {
  message: Message
  quoted: Message | undefined | null
  contactName: string
  onQuoteClick: (m: Message) => void
  /** Given when the thread can send: a Retry button on failed and unknown sends. */
  onRetried?: () => Promise<void>
}) {
  const { t } = useTranslation('inbox')
  const { message, quoted } = props
  const c = obj(message.content)
  if (message.type === 'system') {
    const system = obj(c.system)
    return (
      <li className="system-notice" id={`msg-${message.id}`} data-message-id={message.id}>
        <span>{str(system.body) || t('message.system', { type: str(system.type) })}</span>
        <time className="muted small" dateTime={new Date(message.createdAt).toISOString()}>
          {' '}
          · {formatTime(message.createdAt)}
        </time>
      </li>
    )
  }
  const outbound = message.direction === 'out'
  const referral = obj(c.referral)
  return (
    <li
      className={`message ${outbound ? 'out' : 'in'} type-${message.type}`}
      id={`msg-${message.id}`}
      data-message-id={message.id}
      data-status={message.status}
      tabIndex={-1}
    >
      <div className="bubble">
        <span className="visually-hidden">
          {outbound ? t('message.youSaid') : t('message.theySaid', { name: props.contactName })}
        </span>
        {message.replyTo ? (
          quoted ? (
            <button type="button" className="quote" onClick={() => props.onQuoteClick(quoted)}>
              <span className="quote-author">
                {quoted.direction === 'out' ? t('message.you') : props.contactName}
              </span>
              <span className="quote-text">{summary(quoted) || quoted.type}</span>
            </button>
          ) : (
            <p className="quote quote-missing">{t('message.replyToEarlier')}</p>
          )
        ) : null}
        {referral.source_url || referral.headline ? (
          <p className="referral">
            {t('message.fromAd')} <strong>{str(referral.headline) || str(referral.source_url)}</strong>
          </p>
        ) : null}
        <Body message={message} />
        <div className="meta">
          <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt)}</time>
          {outbound ? <StatusTick message={message} /> : null}
        </div>
      </div>
      {message.reactions.filter((r) => r.emoji).length ? (
        <ul className="reactions" aria-label={t('message.reactions')}>
          {message.reactions
            .filter((r) => r.emoji)
            .map((r) => (
              <li
                key={`${r.direction}-${r.at}`}
                title={r.direction === 'in' ? props.contactName : t('message.you')}
              >
                <span aria-hidden="true">{r.emoji}</span>
                <span className="visually-hidden">
                  {t('message.reactionFrom', {
                    emoji: r.emoji,
                    who: r.direction === 'in' ? props.contactName : t('message.youLower'),
                  })}
                </span>
              </li>
            ))}
        </ul>
      ) : null}
      {outbound && props.onRetried && (message.status === 'failed' || message.status === 'unknown') ? (
        <RetryButton message={message} onRetried={props.onRetried} />
      ) : null}
      {message.direction === 'in' && message.error && message.type !== 'unsupported' ? (
        <p className="muted small">
          {t('common:error.meta')}
          {message.error.title} ({message.error.code})
        </p>
      ) : null}
    </li>
  )
}
