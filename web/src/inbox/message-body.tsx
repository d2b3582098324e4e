import { useTranslation } from 'react-i18next'
import type { Message } from '../api-types.ts'
import { mapLink, number } from '../format.ts'
import { Linkified } from './linkified.tsx'
import { MediaBlock } from './media-block.tsx'
import { list, type Obj, obj, str } from './message-content.ts'
import { SentTemplate } from './sent-template.tsx'

// The body of one message, by type: text, media, location, contacts, interactive, template,
// reaction, order, unsupported.

function Contacts(props: { contacts: Obj[] }) {
  const { t } = useTranslation('inbox')
  return (
    <ul className="contact-cards">
      {props.contacts.map((c, i) => {
        const name = str(obj(c.name).formatted_name) || t('message.contact')
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
  const { t } = useTranslation('inbox')
  const { i } = props
  const kind = str(i.type)
  if (kind === 'button_reply' || kind === 'list_reply') {
    const r = obj(i[kind])
    return (
      <p className="interactive-reply">
        <span className="reply-chip">
          {kind === 'button_reply' ? t('message.tapped') : t('message.chose')}
        </span>{' '}
        {str(r.title)}
        {r.description ? <span className="muted"> — {str(r.description)}</span> : null}
      </p>
    )
  }
  if (kind === 'nfm_reply') {
    const r = obj(i.nfm_reply)
    return (
      <div className="interactive-reply">
        <span className="reply-chip">{t('message.form')}</span> {str(r.name) || t('message.flowReply')}
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
        <ul className="button-row" aria-label={t('picker.buttons')}>
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

function Template(props: { template: Obj }) {
  const { t } = useTranslation('inbox')
  const template = props.template
  const params = list(template.components).flatMap((c) =>
    list(c.parameters).map((p) => str(p.text) || str(obj(p.image).link) || str(p.type)),
  )
  return (
    <div className="template-sent">
      <p className="template-name">
        <span aria-hidden="true">📋</span> {t('message.template')} <strong>{str(template.name)}</strong>{' '}
        <span className="muted">({str(obj(template.language).code)})</span>
      </p>
      {params.length ? (
        <p className="muted small">{t('message.values', { values: params.join(' · ') })}</p>
      ) : null}
    </div>
  )
}

export function Body(props: { message: Message }) {
  const { t } = useTranslation('inbox')
  const { message } = props
  const c = obj(message.content)
  const type = message.type
  const typed = obj(c[type])
  switch (type) {
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
      return <MediaBlock message={message} kind={type} media={typed} />
    case 'location': {
      const lat = Number(typed.latitude)
      const lon = Number(typed.longitude)
      const valid = Number.isFinite(lat) && Number.isFinite(lon)
      return (
        <div className="location">
          <p>
            <span aria-hidden="true">📍</span> <strong>{str(typed.name) || t('message.location')}</strong>
          </p>
          {typed.address ? <p className="muted">{str(typed.address)}</p> : null}
          {valid ? (
            <p className="coords">
              {number(lat, 5)}, {number(lon, 5)} ·{' '}
              <a href={mapLink(lat, lon)} target="_blank" rel="noopener noreferrer">
                {t('message.openMap')}
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
          <span className="reply-chip">{t('message.tapped')}</span> {str(typed.text)}
        </p>
      )
    case 'template':
      return <SentTemplate sent={typed} fallback={<Template template={typed} />} />
    case 'reaction':
      return (
        <p className="text">
          {t('message.reacted', { emoji: str(typed.emoji) || t('message.removed') })}
          <span className="muted"> {t('message.toEarlier')}</span>
        </p>
      )
    case 'order':
      return (
        <p className="text">
          🛒 {t('message.order', { count: list(typed.product_items).length })}{' '}
          {typed.text ? `— ${str(typed.text)}` : ''}
        </p>
      )
    case 'unsupported':
      return (
        <p className="text muted">
          {message.error?.title
            ? t('message.unsupportedWhy', { why: message.error.title })
            : t('message.unsupported')}
        </p>
      )
    default:
      return <p className="text muted">{t('message.ofType', { type })}</p>
  }
}
