import { type ReactNode, useState } from 'react'
import type { Message } from '../api-types.ts'
import { formatBytes, formatTime, linkify, mapLink } from '../format.ts'
import { StatusTick } from './status-tick.tsx'

// One message of a thread, every type Meta delivers or Wahub sends. `content` is Meta's message
// object (as received, or the send body), so each type reads its own field.

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])

export function Linkified(props: { text: string }) {
  return (
    <>
      {linkify(props.text).map((part, i) =>
        part.href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable text
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts of one immutable text
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  )
}

/** A one-line summary of a message (reply quotes). */
export function summary(m: Message): string {
  const c = obj(m.content)
  const t = m.type
  const typed = obj(c[t])
  switch (t) {
    case 'text':
      return str(typed.body)
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return `${labelOf(t)}${typed.caption ? `: ${str(typed.caption)}` : typed.filename ? `: ${str(typed.filename)}` : ''}`
    case 'location':
      return `📍 ${str(typed.name) || 'Location'}`
    case 'contacts':
      return `👤 ${
        list(c.contacts)
          .map((x) => str(obj(x.name).formatted_name))
          .join(', ') || 'Contact'
      }`
    case 'interactive':
      return interactiveTitle(typed) || 'Interactive message'
    case 'button':
      return str(typed.text)
    case 'template':
      return `Template ${str(typed.name)}`
    default:
      return t
  }
}

function labelOf(type: string): string {
  return (
    { image: '📷 Photo', video: '🎬 Video', audio: '🎤 Audio', document: '📄 Document', sticker: 'Sticker' }[
      type
    ] ?? type
  )
}

function interactiveTitle(i: Obj): string {
  const kind = str(i.type)
  if (kind === 'button_reply') return str(obj(i.button_reply).title)
  if (kind === 'list_reply') return str(obj(i.list_reply).title)
  if (kind === 'nfm_reply') return str(obj(i.nfm_reply).name) || 'Form reply'
  return str(obj(i.body).text)
}

/** An image that says so when the browser cannot show it (a format it does not read). */
function Picture(props: { url: string; alt: string; className: string; linked?: boolean }) {
  const [broken, setBroken] = useState(false)
  if (broken) {
    return (
      <a href={props.url} target="_blank" rel="noopener noreferrer" className="media-state">
        {props.alt}: this browser cannot show it — open the file
      </a>
    )
  }
  const img = (
    <img
      src={props.url}
      alt={props.alt}
      className={props.className}
      loading="lazy"
      onError={() => setBroken(true)}
    />
  )
  if (!props.linked) return img
  return (
    <a href={props.url} target="_blank" rel="noopener noreferrer" className="media-link">
      {img}
    </a>
  )
}

function MediaBlock(props: { message: Message; kind: string; media: Obj }) {
  const { message, kind, media } = props
  const m = message.media
  const caption = str(media.caption)
  const filename = m?.filename ?? str(media.filename)
  let body: ReactNode
  if (m && m.state === 'pending') {
    body = (
      <div className="media-state pending" role="status">
        <span aria-hidden="true">⏳</span> {labelOf(kind)} downloading…
      </div>
    )
  } else if (m && m.state === 'failed') {
    body = (
      <div className="media-state failed">
        <span aria-hidden="true">⚠</span> {labelOf(kind)} could not be downloaded
        {m.error ? <span className="media-error">: {m.error}</span> : null}
      </div>
    )
  } else {
    const url = m?.url ?? (str(media.link) || null)
    if (!url) {
      body = (
        <div className="media-state">
          {labelOf(kind)}
          {str(media.id) ? <span className="muted"> (media {str(media.id)})</span> : null}
        </div>
      )
    } else if (kind === 'image') {
      body = <Picture url={url} alt={caption || 'Photo'} className="media-image" linked />
    } else if (kind === 'sticker') {
      body = <Picture url={url} alt="Sticker" className="media-sticker" />
    } else if (kind === 'video') {
      body = (
        <video src={url} controls preload="metadata" className="media-video">
          <track kind="captions" />
        </video>
      )
    } else if (kind === 'audio') {
      body = (
        <audio
          src={url}
          controls
          preload="metadata"
          className="media-audio"
          aria-label={media.voice ? 'Voice message' : 'Audio'}
        >
          <track kind="captions" />
        </audio>
      )
    } else {
      body = (
        <a
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          className="document-link"
          download={filename || true}
        >
          <span aria-hidden="true">📄</span> {filename || 'Document'}
          {m?.size ? <span className="muted"> · {formatBytes(m.size)}</span> : null}
        </a>
      )
    }
  }
  return (
    <>
      {body}
      {caption ? (
        <p className="caption">
          <Linkified text={caption} />
        </p>
      ) : null}
    </>
  )
}

function Contacts(props: { contacts: Obj[] }) {
  return (
    <ul className="contact-cards">
      {props.contacts.map((c, i) => {
        const name = str(obj(c.name).formatted_name) || 'Contact'
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: cards of one immutable message
          <li key={i} className="contact-card">
            <span className="contact-name">👤 {name}</span>
            {list(c.phones).map((p) => (
              <span key={str(p.phone)} className="contact-line">
                📞 <a href={`tel:${str(p.phone).replace(/\s/g, '')}`}>{str(p.phone)}</a>
                {p.type ? <span className="muted"> ({str(p.type)})</span> : null}
              </span>
            ))}
            {list(c.emails).map((e) => (
              <span key={str(e.email)} className="contact-line">
                ✉ <a href={`mailto:${str(e.email)}`}>{str(e.email)}</a>
              </span>
            ))}
            {str(obj(c.org).company) ? (
              <span className="contact-line muted">{str(obj(c.org).company)}</span>
            ) : null}
          </li>
        )
      })}
    </ul>
  )
}

function Interactive(props: { i: Obj; inbound: boolean }) {
  const { i } = props
  const kind = str(i.type)
  if (kind === 'button_reply' || kind === 'list_reply') {
    const r = obj(i[kind])
    return (
      <p className="interactive-reply">
        <span className="reply-chip">{kind === 'button_reply' ? 'Tapped' : 'Chose'}</span> {str(r.title)}
        {r.description ? <span className="muted"> — {str(r.description)}</span> : null}
      </p>
    )
  }
  if (kind === 'nfm_reply') {
    const r = obj(i.nfm_reply)
    return (
      <div className="interactive-reply">
        <span className="reply-chip">Form</span> {str(r.name) || 'Flow reply'}
        {r.response_json ? <pre className="json small">{prettyJson(str(r.response_json))}</pre> : null}
      </div>
    )
  }
  const header = obj(i.header)
  const action = obj(i.action)
  const buttons = list(action.buttons).map((b) => str(obj(b.reply).title) || str(b.title))
  return (
    <div className="interactive">
      {header.text ? <p className="interactive-header">{str(header.text)}</p> : null}
      <p>
        <Linkified text={str(obj(i.body).text)} />
      </p>
      {i.footer ? <p className="muted small">{str(obj(i.footer).text)}</p> : null}
      {buttons.length ? (
        <ul className="button-row" aria-label="Buttons">
          {buttons.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : null}
      {action.button ? <p className="button-row single">☰ {str(action.button)}</p> : null}
      {kind === 'cta_url' ? (
        <p className="button-row single">↗ {str(obj(action.parameters).display_text)}</p>
      ) : null}
    </div>
  )
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

function Template(props: { t: Obj }) {
  const { t } = props
  const params = list(t.components).flatMap((c) =>
    list(c.parameters).map((p) => str(p.text) || str(obj(p.image).link) || str(p.type)),
  )
  return (
    <div className="template-sent">
      <p className="template-name">
        <span aria-hidden="true">📋</span> Template <strong>{str(t.name)}</strong>{' '}
        <span className="muted">({str(obj(t.language).code)})</span>
      </p>
      {params.length ? <p className="muted small">Values: {params.join(' · ')}</p> : null}
    </div>
  )
}

function Body(props: { message: Message }) {
  const { message } = props
  const c = obj(message.content)
  const t = message.type
  const typed = obj(c[t])
  switch (t) {
    case 'text':
      return (
        <p className="text">
          <Linkified text={str(typed.body)} />
        </p>
      )
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return <MediaBlock message={message} kind={t} media={typed} />
    case 'location': {
      const lat = Number(typed.latitude)
      const lon = Number(typed.longitude)
      const valid = Number.isFinite(lat) && Number.isFinite(lon)
      return (
        <div className="location">
          <p>
            <span aria-hidden="true">📍</span> <strong>{str(typed.name) || 'Location'}</strong>
          </p>
          {typed.address ? <p className="muted">{str(typed.address)}</p> : null}
          {valid ? (
            <p className="coords">
              {lat.toFixed(5)}, {lon.toFixed(5)} ·{' '}
              <a href={mapLink(lat, lon)} target="_blank" rel="noopener noreferrer">
                Open map
              </a>
            </p>
          ) : null}
        </div>
      )
    }
    case 'contacts':
      return <Contacts contacts={list(c.contacts)} />
    case 'interactive':
      return <Interactive i={typed} inbound={message.direction === 'in'} />
    case 'button':
      return (
        <p className="interactive-reply">
          <span className="reply-chip">Tapped</span> {str(typed.text)}
        </p>
      )
    case 'template':
      return <Template t={typed} />
    case 'reaction':
      return (
        <p className="text">
          Reacted {str(typed.emoji) || '(removed)'}
          <span className="muted"> to an earlier message</span>
        </p>
      )
    case 'order':
      return (
        <p className="text">
          🛒 Order: {list(typed.product_items).length} item(s) {typed.text ? `— ${str(typed.text)}` : ''}
        </p>
      )
    case 'unsupported':
      return (
        <p className="text muted">
          This message type is not supported by the Cloud API
          {message.error?.title ? ` (${message.error.title})` : ''}.
        </p>
      )
    default:
      return <p className="text muted">A {t} message.</p>
  }
}

export function MessageView(props: {
  message: Message
  quoted: Message | undefined | null
  contactName: string
  onQuoteClick: (m: Message) => void
}) {
  const { message, quoted } = props
  const c = obj(message.content)
  if (message.type === 'system') {
    const system = obj(c.system)
    return (
      <li className="system-notice" id={`msg-${message.id}`} data-message-id={message.id}>
        <span>{str(system.body) || `System notice: ${str(system.type)}`}</span>
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
        <span className="visually-hidden">{outbound ? 'You: ' : `${props.contactName}: `}</span>
        {message.replyTo ? (
          quoted ? (
            <button type="button" className="quote" onClick={() => props.onQuoteClick(quoted)}>
              <span className="quote-author">{quoted.direction === 'out' ? 'You' : props.contactName}</span>
              <span className="quote-text">{summary(quoted) || quoted.type}</span>
            </button>
          ) : (
            <p className="quote quote-missing">Reply to an earlier message</p>
          )
        ) : null}
        {referral.source_url || referral.headline ? (
          <p className="referral">
            From an ad: <strong>{str(referral.headline) || str(referral.source_url)}</strong>
          </p>
        ) : null}
        <Body message={message} />
        <div className="meta">
          <time dateTime={new Date(message.createdAt).toISOString()}>{formatTime(message.createdAt)}</time>
          {outbound ? <StatusTick message={message} /> : null}
        </div>
      </div>
      {message.reactions.filter((r) => r.emoji).length ? (
        <ul className="reactions" aria-label="Reactions">
          {message.reactions
            .filter((r) => r.emoji)
            .map((r) => (
              <li key={`${r.direction}-${r.at}`} title={r.direction === 'in' ? props.contactName : 'You'}>
                <span aria-hidden="true">{r.emoji}</span>
                <span className="visually-hidden">
                  {r.emoji} from {r.direction === 'in' ? props.contactName : 'you'}
                </span>
              </li>
            ))}
        </ul>
      ) : null}
      {message.direction === 'in' && message.error && message.type !== 'unsupported' ? (
        <p className="muted small">
          Meta: {message.error.title} ({message.error.code})
        </p>
      ) : null}
    </li>
  )
}
