import { useTranslation } from 'react-i18next'
import { money } from '../analytics/figures.tsx'
import type { CampaignProgress } from '../api-types.ts'
import { number } from '../format.ts'
import { Figure } from './dry-run.tsx'

// A launched campaign's progress as the server counts it (GET /campaigns/:id, reloaded on each
// campaign.* live event): where every recipient is, failures by Meta's error code, replies,
// opt-outs since launch and the cost so far.

export function ProgressPanel(props: { progress: CampaignProgress }) {
  const { t } = useTranslation('campaigns')
  const p = props.progress
  const skipped = p.skipped.optedOut + p.skipped.invalid
  const done = p.sent + p.delivered + p.read + p.failed + p.unknown + p.cancelled + skipped
  const percent = p.recipients ? Math.min(100, Math.round((done / p.recipients) * 100)) : 0
  const codes = Object.entries(p.failedByCode).sort((a, b) => b[1] - a[1])
  return (
    <section className="campaign-step progress" aria-labelledby="progress-title">
      <h2 id="progress-title">{t('progress.title')}</h2>
      <div className="progress-line">
        <progress max={100} value={percent} aria-label={t('progress.bar')} />
        <span data-testid="progress-percent">
          {t('progress.percent', { percent, done: number(done), total: number(p.recipients) })}
        </span>
      </div>
      <dl className="figures">
        <Figure label={t('progress.pending')} value={number(p.pending)} testId="p-pending" />
        <Figure label={t('progress.queued')} value={number(p.queued + p.sending)} testId="p-queued" />
        <Figure label={t('progress.sent')} value={number(p.sent)} testId="p-sent" />
        <Figure label={t('progress.delivered')} value={number(p.delivered)} testId="p-delivered" />
        <Figure label={t('progress.read')} value={number(p.read)} testId="p-read" />
        <Figure label={t('progress.failed')} value={number(p.failed)} testId="p-failed" />
        <Figure label={t('progress.unknown')} value={number(p.unknown)} testId="p-unknown" />
        <Figure label={t('progress.cancelled')} value={number(p.cancelled)} testId="p-cancelled" />
        <Figure label={t('progress.skipped')} value={number(skipped)} testId="p-skipped" />
        <Figure label={t('progress.replied')} value={number(p.replied)} testId="p-replied" />
        <Figure label={t('progress.optedOut')} value={number(p.optedOut)} testId="p-opted-out" />
        <Figure
          label={t('progress.cost')}
          value={money(p.costMicros / 1_000_000, p.currency)}
          testId="p-cost"
        />
      </dl>
      {codes.length ? (
        <table className="cost-table">
          <caption>{t('progress.byCode')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('progress.code')}</th>
              <th scope="col">{t('progress.count')}</th>
            </tr>
          </thead>
          <tbody>
            {codes.map(([code, n]) => (
              <tr key={code}>
                <td>
                  <code>{code}</code>
                </td>
                <td>{number(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
