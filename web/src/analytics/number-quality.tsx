import { useTranslation } from 'react-i18next'
import type { AnalyticsNumbers } from '../api-types.ts'
import { formatDateTime } from '../format.ts'

// Each number's quality rating, messaging-limit tier and throughput level now, and their changes
// in the range — shown beside the volume, so a drop in quality can be read against the sends.

function Values(props: { values: AnalyticsNumbers['numbers'][number]['current'] }) {
  const { t } = useTranslation('analytics')
  const v = props.values
  const quality = v.quality_rating ?? 'UNKNOWN'
  return (
    <span className="analytics-number-values">
      <span className={`quality-badge quality-${quality.toLowerCase()}`}>
        {t(`quality.${quality}`, { defaultValue: quality })}
      </span>
      {v.messaging_limit_tier ? (
        <span className="muted">{v.messaging_limit_tier.replace(/^TIER_/, '')}</span>
      ) : null}
      {v.throughput_level ? <span className="muted">{v.throughput_level}</span> : null}
    </span>
  )
}

export function NumberQuality(props: { data: AnalyticsNumbers | undefined; numberId: string }) {
  const { t } = useTranslation('analytics')
  const numbers = (props.data?.numbers ?? []).filter((n) => !props.numberId || n.numberId === props.numberId)
  return (
    <section className="card analytics-quality" aria-labelledby="analytics-quality">
      <h2 id="analytics-quality">{t('quality.title')}</h2>
      {numbers.length === 0 ? <p className="muted">{t('quality.none')}</p> : null}
      <ul>
        {numbers.map((n) => (
          <li key={n.numberId} data-number={n.phoneNumberId}>
            <p className="analytics-number-head">
              <strong>{n.displayPhoneNumber ?? n.phoneNumberId}</strong>
              <Values values={n.current} />
            </p>
            {n.history.length > 0 ? (
              <ol className="analytics-history" aria-label={t('quality.history')}>
                {n.history.map((h) => (
                  <li key={h.at}>
                    <time dateTime={new Date(h.at).toISOString()}>{formatDateTime(h.at)}</time>
                    <Values values={h} />
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{t('quality.noChanges')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
