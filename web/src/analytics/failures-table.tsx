import { useTranslation } from 'react-i18next'
import type { AnalyticsFailures } from '../api-types.ts'
import { number } from '../format.ts'

// The range's most frequent failures by Meta's error code, each with what it means and the fix
// from Wahub's catalogue of Meta's errors.

export function FailuresTable(props: { data: AnalyticsFailures | undefined }) {
  const { t } = useTranslation('analytics')
  const failures = props.data?.failures ?? []
  return (
    <section className="card analytics-failures" aria-labelledby="analytics-failures">
      <h2 id="analytics-failures">{t('failures.title')}</h2>
      {failures.length === 0 ? (
        <p className="muted">{t('failures.none')}</p>
      ) : (
        <ol className="analytics-failure-list">
          {failures.map((f) => (
            <li key={f.code} data-code={f.code}>
              <p className="analytics-failure-head">
                <code>{f.code}</code> <strong>{f.title}</strong>{' '}
                <span className="analytics-count" data-figure="count">
                  {t('failures.count', { count: f.count, formatted: number(f.count) })}
                </span>
              </p>
              <p>{f.meaning}</p>
              <p className="analytics-fix">
                <span className="label">{t('failures.fix')}</span> {f.fix}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
