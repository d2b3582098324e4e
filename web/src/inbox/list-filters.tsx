import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationStatus, Label } from '../api-types.ts'
import { number } from '../format.ts'

// The list's filters: whose (mine / unassigned / all, with the unread conversations of each for
// an agent), status, label and number, and the Unread / Window open chips.

export type Assignee = '' | 'me' | 'unassigned'
export type Filters = {
  q: string
  assignee: Assignee
  status: '' | ConversationStatus
  label: string
  numberId: string
  unread: boolean
  windowOpen: boolean
  tenantId: string
}

export const initialFilters: Filters = {
  q: '',
  assignee: '',
  status: '',
  label: '',
  numberId: '',
  unread: false,
  windowOpen: false,
  tenantId: '',
}

export function isFiltered(f: Filters): boolean {
  return Boolean(f.q || f.assignee || f.status || f.label || f.numberId || f.unread || f.windowOpen)
}

export function ListFilters(props: {
  filters: Filters
  onChange: (change: Partial<Filters>) => void
  /** Agents filter by whose; an admin reads every tenant's conversations and assigns none. */
  showAssignee: boolean
  unreadByTab: Partial<Record<Assignee, number>>
  labels: Label[]
  numbers: { id: string; label: string }[]
}) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const { filters } = props
  const tabs: { key: Assignee; label: string }[] = [
    { key: 'me', label: t('filters.mine') },
    { key: 'unassigned', label: t('filters.unassigned') },
    { key: '', label: t('filters.all') },
  ]
  const chips: { key: 'unread' | 'windowOpen'; label: string }[] = [
    { key: 'unread', label: t('filters.unread') },
    { key: 'windowOpen', label: t('filters.windowOpen') },
  ]
  return (
    <>
      {props.showAssignee ? (
        <fieldset className="assignee-tabs">
          <legend className="visually-hidden">{t('filters.whose')}</legend>
          {tabs.map((tab) => {
            const unread = props.unreadByTab[tab.key] ?? 0
            return (
              <button
                key={tab.key || 'all'}
                type="button"
                className={`tab${filters.assignee === tab.key ? ' on' : ''}`}
                aria-pressed={filters.assignee === tab.key}
                onClick={() => props.onChange({ assignee: tab.key })}
              >
                {tab.label}
                {unread > 0 ? (
                  <span className="tab-count">
                    {number(unread)}
                    <span className="visually-hidden"> {t('filters.unreadCount')}</span>
                  </span>
                ) : null}
              </button>
            )
          })}
        </fieldset>
      ) : null}
      <fieldset className="chips">
        <legend className="visually-hidden">{t('filters.legend')}</legend>
        {chips.map((c) => (
          <button
            key={c.key}
            type="button"
            className={`chip${filters[c.key] ? ' on' : ''}`}
            aria-pressed={filters[c.key]}
            onClick={() => props.onChange({ [c.key]: !filters[c.key] })}
          >
            {c.label}
          </button>
        ))}
      </fieldset>
      <div className="filter-selects">
        <label htmlFor={`${ids}-status`} className="visually-hidden">
          {t('filters.status')}
        </label>
        <select
          id={`${ids}-status`}
          value={filters.status}
          onChange={(e) => props.onChange({ status: e.target.value as Filters['status'] })}
        >
          <option value="">{t('filters.anyStatus')}</option>
          <option value="open">{t('conversationStatus.open')}</option>
          <option value="pending">{t('conversationStatus.pending')}</option>
          <option value="resolved">{t('conversationStatus.resolved')}</option>
        </select>
        <label htmlFor={`${ids}-label`} className="visually-hidden">
          {t('filters.label')}
        </label>
        <select
          id={`${ids}-label`}
          value={filters.label}
          onChange={(e) => props.onChange({ label: e.target.value })}
        >
          <option value="">{t('filters.anyLabel')}</option>
          {props.labels.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        {props.numbers.length > 1 ? (
          <>
            <label htmlFor={`${ids}-number`} className="visually-hidden">
              {t('filters.number')}
            </label>
            <select
              id={`${ids}-number`}
              value={filters.numberId}
              onChange={(e) => props.onChange({ numberId: e.target.value })}
            >
              <option value="">{t('filters.anyNumber')}</option>
              {props.numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.label}
                </option>
              ))}
            </select>
          </>
        ) : null}
      </div>
    </>
  )
}
