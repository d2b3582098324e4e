import { useTranslation } from 'react-i18next'
import type { Template } from '../api-types.ts'
import { formatDateTime } from '../format.ts'
import { Link } from '../router.tsx'
import { useConfirm } from '../ui/confirm-dialog.tsx'
import { WaBubble } from './wa-bubble.tsx'

// One template (a name in one language): the message as WhatsApp shows it, its review status with
// Meta's reason, quality, category, the other languages of its name, when it was last sent, and
// what can be done with it. Deleting asks once more, inline.

const statusClass: Record<string, string> = {
  APPROVED: 'pass',
  PENDING: 'neutral',
  IN_APPEAL: 'neutral',
  PAUSED: 'warn',
  REJECTED: 'fail',
  DISABLED: 'fail',
}

export function TemplateCard(props: {
  template: Template
  languages: string[]
  busy: boolean
  onSendTest: () => void
  onDelete: () => void
}) {
  const { t } = useTranslation('templates')
  const x = props.template
  const { confirm, dialog } = useConfirm()
  const askDelete = async () => {
    const ok = await confirm({
      title: t('deleteConfirm', { name: x.name }),
      body: t('deleteConfirmBody', { language: x.language }),
      confirmLabel: t('deleteYes', { language: x.language }),
    })
    if (ok) props.onDelete()
  }
  const status = x.status.toUpperCase()
  const reason = x.rejectedReason && x.rejectedReason !== 'NONE' ? x.rejectedReason : null
  const base = `/templates/${encodeURIComponent(x.id)}`
  return (
    <article
      className="card template-card"
      aria-labelledby={`tpl-${x.id}`}
      data-template={x.name}
      data-language={x.language}
    >
      {dialog}
      <div className="template-card-head">
        <h2 id={`tpl-${x.id}`}>
          {x.name} <span className="muted small">{x.language}</span>
        </h2>
        <span className={`status-pill ${statusClass[status] ?? 'neutral'}`} data-testid="template-status">
          {t(`status.${status}`, { defaultValue: status.toLowerCase() })}
        </span>
      </div>
      {reason ? (
        <p className="template-reason" data-testid="template-reason">
          {t('reason', { reason: t(`reasons.${reason}`, { defaultValue: reason }) })}
        </p>
      ) : null}
      <WaBubble preview={x.preview} label={t('preview.of', { name: x.name })} />
      <dl className="template-facts">
        <dt>{t('category')}</dt>
        <dd>{x.category ? t(`categories.${x.category}`, { defaultValue: x.category }) : '—'}</dd>
        <dt>{t('quality')}</dt>
        <dd>{x.qualityScore ? t(`qualities.${x.qualityScore}`, { defaultValue: x.qualityScore }) : '—'}</dd>
        <dt>{t('languages')}</dt>
        <dd>{props.languages.join(', ')}</dd>
        <dt>{t('lastUsed')}</dt>
        <dd>{x.lastUsedAt ? formatDateTime(x.lastUsedAt) : t('never')}</dd>
      </dl>
      <div className="template-actions">
        <button
          type="button"
          className="secondary small"
          disabled={status !== 'APPROVED'}
          title={status !== 'APPROVED' ? t('sendTest.onlyApproved') : undefined}
          onClick={props.onSendTest}
        >
          {t('sendTest.open')}
        </button>
        <Link className="button secondary small" href={`${base}/edit`}>
          {t('edit')}
        </Link>
        <Link className="button secondary small" href={`${base}/duplicate`}>
          {t('duplicate')}
        </Link>
        <button
          type="button"
          className="secondary small"
          disabled={props.busy}
          onClick={() => void askDelete()}
        >
          {t('delete')}
        </button>
      </div>
    </article>
  )
}
