import { type ReactNode, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Message } from '../api-types.ts'
import { formatBytes } from '../format.ts'
import { Linkified } from './linkified.tsx'
import { kindName, labelOf, type Obj, str } from './message-content.ts'

// A media message: downloading, failed, or shown (image, sticker, video, audio, document).

/** An image that says so when the browser cannot show it (a format it does not read). */
function Picture(props: { url: string; alt: string; className: string; linked?: boolean }) {
  const { t } = useTranslation('inbox')
  const [broken, setBroken] = useState(false)
  if (broken) {
    return (
      <a href={props.url} target="_blank" rel="noopener noreferrer" className="media-state">
        {t('message.cannotShow', { what: props.alt })}
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

export function MediaBlock(props: { message: Message; kind: string; media: Obj }) {
  const { t } = useTranslation('inbox')
  const { message, kind, media } = props
  const m = message.media
  const caption = str(media.caption)
  const filename = m?.filename ?? str(media.filename)
  let body: ReactNode
  if (m && m.state === 'pending') {
    body = (
      <div className="media-state pending" role="status">
        <span aria-hidden="true">⏳</span> {t('message.downloading', { what: labelOf(kind) })}
      </div>
    )
  } else if (m && m.state === 'failed') {
    body = (
      <div className="media-state failed">
        <span aria-hidden="true">⚠</span> {t('message.downloadFailed', { what: labelOf(kind) })}
        {m.error ? <span className="media-error">: {m.error}</span> : null}
      </div>
    )
  } else {
    const url = m?.url ?? (str(media.link) || null)
    if (!url) {
      body = (
        <div className="media-state">
          {labelOf(kind)}
          {str(media.id) ? (
            <span className="muted"> {t('message.mediaId', { id: str(media.id) })}</span>
          ) : null}
        </div>
      )
    } else if (kind === 'image') {
      body = <Picture url={url} alt={caption || kindName('image')} className="media-image" linked />
    } else if (kind === 'sticker') {
      body = <Picture url={url} alt={kindName('sticker')} className="media-sticker" />
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
          aria-label={media.voice ? t('message.voice') : kindName('audio')}
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
          <span aria-hidden="true">📄</span> {filename || kindName('document')}
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
