import { useTranslation } from 'react-i18next'
import type { AnalyticsFigures } from '../api-types.ts'
import { number } from '../format.ts'

// The range's figures at a glance: volume, rates, replies and opt-outs, the estimated cost, and
// the team's response times.

export function money(amount: number, currency: string | null): string {
  if (!currency) return number(amount, 2)
  try {
    return amount.toLocaleString(document.documentElement.lang || 'en', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    })
  } catch {
    return `${number(amount, 4)} ${currency}`
  }
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${number(rate * 100, 1)} %`
}

export function FigureTiles(props: { figures: AnalyticsFigures | undefined; currency: string | null }) {
  const { t } = useTranslation('analytics')
  const f = props.figures
  const duration = (seconds: number | null) => {
    if (seconds === null) return '—'
    if (seconds < 120) return t('duration.seconds', { count: Math.round(seconds) })
    if (seconds < 7200) return t('duration.minutes', { count: Math.round(seconds / 60) })
    if (seconds < 172_800) return t('duration.hours', { count: Math.round(seconds / 3600) })
    return t('duration.days', { count: Math.round(seconds / 86_400) })
  }
  const tile = (name: string, value: string, note?: string) => (
    <div className="analytics-tile" data-figure={name}>
      <dt>{t(`figures.${name}`)}</dt>
      <dd>
        <span className="analytics-tile-value">{value}</span>
        {note ? <span className="analytics-tile-note">{note}</span> : null}
      </dd>
    </div>
  )
  if (!f) return <dl className="analytics-tiles" aria-busy="true" />
  return (
    <dl className="analytics-tiles">
      {tile('sent', number(f.sent))}
      {tile('delivered', number(f.delivered), percent(f.deliveryRate))}
      {tile('read', number(f.read), percent(f.readRate))}
      {tile('failed', number(f.failed))}
      {tile('received', number(f.received))}
      {tile('replies', number(f.replies))}
      {tile('optOuts', number(f.optOuts))}
      {tile(
        'cost',
        money(f.cost, props.currency),
        f.unpriced
          ? t('figures.unpricedNote', { count: f.unpriced })
          : t('figures.billableNote', { count: f.billable }),
      )}
      {tile(
        'firstResponse',
        duration(f.avgFirstResponseSeconds),
        t('figures.conversations', { count: f.firstResponses }),
      )}
      {tile(
        'resolution',
        duration(f.avgResolutionSeconds),
        t('figures.conversations', { count: f.resolutions }),
      )}
    </dl>
  )
}
