import './analytics.css'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { User } from '../api-types.ts'
import { ErrorBox } from '../ui/error-box.tsx'
import { PageHead } from '../ui/page-head.tsx'
import { BreakdownTable } from './breakdown-table.tsx'
import { FailuresTable } from './failures-table.tsx'
import { FigureTiles, money } from './figures.tsx'
import { AnalyticsFilters, countryName } from './filters.tsx'
import { NumberQuality } from './number-quality.tsx'
import { type Filters, fillRange, initialFilters } from './params.ts'
import { type Series, TimeChart } from './time-chart.tsx'
import { useAnalytics, useFilterChoices } from './use-analytics.ts'

// The Analytics page (SPEC §16, issue 19): what was sent, delivered, read, answered, failed and
// what it cost, for a date range and filters, from /api/v1/analytics/*. An administrator sees
// every tenant (or one); an agent the figures of their own tenant — the API decides, not the page.

const volumeSeries = ['sent', 'delivered', 'read', 'failed', 'received'] as const

export function AnalyticsPage(props: { user: User }) {
  const { t } = useTranslation('analytics')
  const isAdmin = props.user.role === 'admin'
  const [filters, setFilters] = useState<Filters>(initialFilters)
  const a = useAnalytics(filters)
  const choices = useFilterChoices(filters, isAdmin)
  const currency = a.summary.data?.currency ?? null

  const points = a.series.data?.points
  const chart = useMemo(() => {
    const list = fillRange(points ?? [], filters, a.interval)
    const times = list.map((p) => p.at)
    const volume: Series[] = volumeSeries.map((name) => ({
      name,
      label: t(`figures.${name}`),
      values: list.map((p) => p[name]),
    }))
    const cost: Series[] = [{ name: 'cost', label: t('figures.cost'), values: list.map((p) => p.cost) }]
    return { times, volume, cost }
  }, [points, filters, a.interval, t])
  const formatMoney = useMemo(() => (v: number) => money(v, currency), [currency])

  const error =
    a.summary.error ??
    a.series.error ??
    a.byTemplate.error ??
    a.byCategory.error ??
    a.byCountry.error ??
    a.failures.error
  return (
    <div className="page analytics-page">
      <PageHead
        title={t('title')}
        intro={isAdmin ? t('introAdmin') : t('introAgent')}
        error={error}
        errorTitle={t('loadFailed')}
      />
      <AnalyticsFilters
        value={filters}
        onChange={setFilters}
        isAdmin={isAdmin}
        tenants={choices.tenants}
        numbers={a.numbers.data?.numbers ?? []}
        templates={choices.templates}
        countries={choices.countries}
      />
      <section aria-labelledby="analytics-totals" aria-busy={a.summary.loading}>
        <h2 id="analytics-totals" className="visually-hidden">
          {t('totals')}
        </h2>
        <FigureTiles figures={a.summary.data?.figures} currency={currency} />
      </section>
      <div className="analytics-row">
        <div className="card analytics-charts">
          {!points?.length ? (
            <p className="muted">{t('empty')}</p>
          ) : (
            <>
              <TimeChart
                title={t(a.interval === 'hour' ? 'charts.volumeHourly' : 'charts.volumeDaily')}
                times={chart.times}
                series={chart.volume}
                interval={a.interval}
              />
              <TimeChart
                title={t('charts.cost', { currency: currency ?? '' })}
                times={chart.times}
                series={chart.cost}
                interval={a.interval}
                bars
                format={formatMoney}
              />
            </>
          )}
        </div>
        <NumberQuality data={a.numbers.data} numberId={filters.number} />
      </div>
      <ErrorBox error={a.numbers.error} title={t('loadFailed')} />
      <BreakdownTable
        title={t('breakdowns.template')}
        by="template"
        kind="volume"
        data={a.byTemplate.data}
        label={(k) => k || t('notTemplate')}
      />
      <div className="analytics-row">
        <BreakdownTable
          title={t('breakdowns.category')}
          by="category"
          kind="cost"
          data={a.byCategory.data}
          label={(k) => (k ? t(`category.${k}`, { defaultValue: k }) : t('noCategory'))}
        />
        <BreakdownTable
          title={t('breakdowns.country')}
          by="country"
          kind="cost"
          data={a.byCountry.data}
          label={countryName}
        />
      </div>
      <FailuresTable data={a.failures.data} />
    </div>
  )
}
