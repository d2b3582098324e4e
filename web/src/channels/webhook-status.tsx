import { useTranslation } from 'react-i18next'
import type { WebhookStatus } from '../api-types.ts'
import { TextField } from '../ui/text-field.tsx'

/** Where Meta sends a number's webhooks, what is wrong with it, and the per-number override. */
export function WebhookStatusView(props: {
  status: WebhookStatus
  phoneNumberId: string
  overrideUrl: string
  onOverrideUrl: (url: string) => void
  busy: boolean
  onOverride: (remove: boolean) => void
}) {
  const { t } = useTranslation('channels')
  const { overrideUrl, onOverrideUrl } = props
  const mine = props.status.numbers.find((x) => x.phoneNumberId === props.phoneNumberId)
  return (
    <div className="webhook-status">
      <p>
        {mine?.pointsToUs ? (
          <span className="status-pill pass">{t('webhook.pointsToUs')}</span>
        ) : (
          <span className="status-pill fail">{t('webhook.notPointing')}</span>
        )}{' '}
        {mine?.effective ? (
          <span className="muted small">
            {t('webhook.level', { level: mine.effective.level })}{' '}
            <span className="mono">{mine.effective.url}</span>
          </span>
        ) : (
          <span className="muted small">{t('webhook.none')}</span>
        )}
      </p>
      {props.status.problems.map((p) => (
        <p key={p.problem} className="check-fix">
          {p.problem} <span className="label">{t('common:error.fix')}</span>
          {p.fix}
        </p>
      ))}
      <div className="inline-form">
        <TextField label={t('webhook.overrideUrl')} type="url" value={overrideUrl} onValue={onOverrideUrl} />
        <button
          type="button"
          onClick={() => props.onOverride(false)}
          disabled={props.busy || !props.overrideUrl}
        >
          {t('webhook.apply')}
        </button>
        {mine?.numberOverride ? (
          <button
            type="button"
            className="secondary"
            onClick={() => props.onOverride(true)}
            disabled={props.busy}
          >
            {t('webhook.remove')}
          </button>
        ) : null}
      </div>
    </div>
  )
}
