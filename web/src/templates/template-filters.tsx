import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { PhoneNumber, Template, Waba } from '../api-types.ts'
import { SelectField } from '../ui/select-field.tsx'
import { TextField } from '../ui/text-field.tsx'
import { categories } from './draft.ts'

// The Templates page's filters: status, category, language, WhatsApp Business Account, and a
// search by name. Applied in the page (a WABA holds at most a few hundred templates).

export type Filters = { status: string; category: string; language: string; waba: string; search: string }
export const noFilters: Filters = { status: '', category: '', language: '', waba: '', search: '' }

const statuses = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL']

/** A number narrows to its WABA's templates (a number sends those of its WABA). */
function wabaOf(scope: string, numbers: PhoneNumber[]): string {
  if (scope.startsWith('n:')) return numbers.find((n) => n.id === scope.slice(2))?.wabaRowId ?? '-'
  return scope.slice(2)
}

export function applyFilters(list: Template[], f: Filters, numbers: PhoneNumber[]): Template[] {
  const search = f.search.trim().toLowerCase()
  const waba = f.waba ? wabaOf(f.waba, numbers) : ''
  return list.filter(
    (x) =>
      x.status !== 'DELETED' &&
      (!f.status || x.status.toUpperCase() === f.status) &&
      (!f.category || (x.category ?? '').toUpperCase() === f.category) &&
      (!f.language || x.language === f.language) &&
      (!waba || x.wabaRowId === waba) &&
      (!search || x.name.toLowerCase().includes(search)),
  )
}

export function TemplateFilters(props: {
  value: Filters
  onChange: (f: Filters) => void
  templates: Template[]
  wabas: Waba[]
  numbers: PhoneNumber[]
}) {
  const { t } = useTranslation('templates')
  const _id = useId()
  const f = props.value
  const set = (k: keyof Filters) => (value: string) => props.onChange({ ...f, [k]: value })
  const any = ['', t('filters.any')] as const
  const languages = [...new Set(props.templates.map((x) => x.language))].sort()
  return (
    <search className="template-filters" aria-label={t('filters.label')}>
      <div className="field">
        <TextField label={t('filters.search')} type="search" value={f.search} onValue={set('search')} />
      </div>
      <SelectField
        label={t('filters.status')}
        value={f.status}
        onValue={set('status')}
        options={[any, ...statuses.map((s) => [s, t(`status.${s}`)] as const)]}
      />
      <SelectField
        label={t('filters.category')}
        value={f.category}
        onValue={set('category')}
        options={[any, ...categories.map((c) => [c, t(`categories.${c}`)] as const)]}
      />
      <SelectField
        label={t('filters.language')}
        value={f.language}
        onValue={set('language')}
        options={[any, ...languages.map((l) => [l, l] as const)]}
      />
      <SelectField label={t('filters.waba')} value={f.waba} onValue={set('waba')} options={[any]}>
        <optgroup label={t('filters.wabas')}>
          {props.wabas.map((w) => (
            <option key={w.id} value={`w:${w.id}`}>
              {w.name ?? w.wabaId}
            </option>
          ))}
        </optgroup>
        <optgroup label={t('filters.numbers')}>
          {props.numbers.map((n) => (
            <option key={n.id} value={`n:${n.id}`}>
              {n.displayPhoneNumber ?? n.phoneNumberId}
              {n.verifiedName ? ` · ${n.verifiedName}` : ''}
            </option>
          ))}
        </optgroup>
      </SelectField>
    </search>
  )
}
