import { useTranslation } from 'react-i18next'
import type { TemplatePreview } from '../api-types.ts'

// A template as WhatsApp shows it: the server renders the text (templates/preview.ts, the one
// renderer the API, the CLI and this page share); this only lays it out as a chat bubble, with
// the header's sample picture when the author has just chosen one.

const buttonIcons: Record<string, string> = {
  URL: '↗',
  PHONE_NUMBER: '✆',
  COPY_CODE: '⧉',
  OTP: '⧉',
  QUICK_REPLY: '↩',
}

export function WaBubble(props: { preview: TemplatePreview; imageUrl?: string | null; label?: string }) {
  const { t } = useTranslation('templates')
  const { header, body, footer, buttons } = props.preview
  const media = header && header.format !== 'TEXT' ? header.format : null
  return (
    <figure className="wa-phone" aria-label={props.label ?? t('preview.label')}>
      <div className="wa-bubble">
        {media === 'IMAGE' && props.imageUrl ? (
          <img className="wa-media" src={props.imageUrl} alt={t('preview.headerImage')} />
        ) : media ? (
          <div className={`wa-media wa-media-${media.toLowerCase()}`}>{t(`header.format.${media}`)}</div>
        ) : null}
        {header?.text ? <p className="wa-header">{header.text}</p> : null}
        <p className="wa-body" data-testid="wa-body">
          {body}
        </p>
        {footer ? <p className="wa-footer">{footer}</p> : null}
      </div>
      {buttons.length > 0 ? (
        <ul className="wa-buttons" aria-label={t('preview.buttons')}>
          {buttons.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a template's buttons keep their order
            <li key={i} title={b.url ?? b.phone_number}>
              <span aria-hidden="true">{buttonIcons[b.type] ?? ''}</span> {b.text}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  )
}
