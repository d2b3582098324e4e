import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { AnalyticsNumbers, Tenant } from '../api-types.ts'
import { TextField } from '../ui/text-field.tsx'
import { csvLink, type Filters, lastDays } from './params.ts'

// The page's filters: the date range (with 7/30/90-day shortcuts), tenant (administrators),
// number, template, category, country; and the CSV downloads of what the page shows.

const categories = ['marketing', 'utility', 'authentication', 'service']

type Props = {
  value: Filters
  onChange: (f: Filters) => void
  isAdmin: boolean
  tenants: Tenant[]
  numbers: AnalyticsNumbers['numbers']
  templates: string[]
  countries: string[]
}

export function AnalyticsFilters(props: Props) {
  const { t } = useTranslation('analytics')
  const id = useId()
  const f = props.value
  const set = (patch: Partial<Filters>) => props.onChange({ ...f, ...patch })
  const select = (
    name: keyof Filters,
    label: string,
    options: { value: string; label: string }[],
    all: string,
  ) => (
    <div className="analytics-field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <select id={`${id}-${name}`} value={f[name]} onChange={(e) => set({ [name]: e.target.value })}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
  const numbers = props.numbers.filter((n) => !f.tenant || n.tenantId === f.tenant)
  return (
    <form
      className="analytics-filters card"
      aria-label={t('filters.label')}
      onSubmit={(e) => e.preventDefault()}
    >
      {(['from', 'to'] as const).map((end) => (
        <div className="analytics-field" key={end}>
          {/* The range cannot end before it starts: each date bounds the other. */}
          <TextField
            label={t(`filters.${end}`)}
            type="date"
            value={f[end]}
            min={end === 'to' ? f.from : undefined}
            max={end === 'from' ? f.to : undefined}
            required
            onValue={(day) => day && set({ [end]: day })}
          />
        </div>
      ))}
      <fieldset className="analytics-presets">
        <legend className="visually-hidden">{t('filters.presets')}</legend>
        {[7, 30, 90].map((days) => (
          <button key={days} type="button" className="secondary small" onClick={() => set(lastDays(days))}>
            {t('filters.lastDays', { count: days })}
          </button>
        ))}
      </fieldset>
      {props.isAdmin
        ? select(
            'tenant',
            t('filters.tenant'),
            props.tenants.map((x) => ({ value: x.id, label: x.name })),
            t('filters.allTenants'),
          )
        : null}
      {select(
        'number',
        t('filters.number'),
        numbers.map((n) => ({ value: n.numberId, label: n.displayPhoneNumber ?? n.phoneNumberId })),
        t('filters.allNumbers'),
      )}
      {select(
        'template',
        t('filters.template'),
        props.templates.map((x) => ({ value: x, label: x })),
        t('filters.allTemplates'),
      )}
      {select(
        'category',
        t('filters.category'),
        categories.map((c) => ({ value: c, label: t(`category.${c}`) })),
        t('filters.allCategories'),
      )}
      {select(
        'country',
        t('filters.country'),
        props.countries.map((c) => ({ value: c, label: countryName(c) })),
        t('filters.allCountries'),
      )}
      <details className="analytics-csv">
        <summary>{t('csv.title')}</summary>
        <ul>
          <li>
            <a href={csvLink('summary', f)} download>
              {t('csv.summary')}
            </a>
          </li>
          <li>
            <a href={csvLink('timeseries', f, { interval: 'day' })} download>
              {t('csv.daily')}
            </a>
          </li>
          {['template', 'country', 'category', 'number'].map((by) => (
            <li key={by}>
              <a href={csvLink('breakdown', f, { by })} download>
                {t(`csv.by.${by}`)}
              </a>
            </li>
          ))}
          <li>
            <a href={csvLink('failures', f)} download>
              {t('csv.failures')}
            </a>
          </li>
        </ul>
      </details>
    </form>
  )
}

const names = new Map<string, Intl.DisplayNames>()

/** "AR" → "Argentina" in the page's language. */
export function countryName(code: string): string {
  if (!code) return '—'
  const lang = document.documentElement.lang || 'en'
  try {
    const display = names.get(lang) ?? new Intl.DisplayNames([lang], { type: 'region' })
    names.set(lang, display)
    return display.of(code) ?? code
  } catch {
    return code
  }
}
