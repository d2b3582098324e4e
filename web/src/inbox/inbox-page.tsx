import './conversation-list.css'
import './thread.css'
import './ticks.css'
import './composer.css'
import { useEffect, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { Tenant, User } from '../api-types.ts'
import { useLoad } from '../ui/server-state.ts'
import { ConversationList, type Filters } from './conversation-list.tsx'
import { Thread } from './thread.tsx'

// The team inbox: conversations on the left, the open conversation on the right; at phone width
// one or the other (the URL says which). Admins read every tenant's inbox (with a tenant filter);
// agents their own tenant's only — the server decides, the filter is a convenience.

const initial: Filters = { q: '', open: false, unread: false, windowOpen: false, tenantId: '' }

export function InboxPage(props: { user: User; path: string }) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const selected = props.path.split('/')[2] || null
  const isAdmin = props.user.role === 'admin'
  const [search, setSearch] = useState('')
  const [filters, setFilters] = useState<Filters>(initial)
  const tenants = useLoad(['inbox-tenants', isAdmin], async () =>
    isAdmin ? (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')).tenants : [],
  )
  const tenantMap = useMemo(
    () => (isAdmin ? new Map((tenants.data ?? []).map((t) => [t.id, t])) : null),
    [isAdmin, tenants.data],
  )

  // Search as you type, without a request per key.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === search ? f : { ...f, q: search })), 250)
    return () => clearTimeout(t)
  }, [search])

  const toggle = (key: 'open' | 'unread' | 'windowOpen') => setFilters((f) => ({ ...f, [key]: !f[key] }))
  const chips: { key: 'open' | 'unread' | 'windowOpen'; label: string }[] = [
    { key: 'open', label: t('filters.open') },
    { key: 'unread', label: t('filters.unread') },
    { key: 'windowOpen', label: t('filters.windowOpen') },
  ]

  return (
    <div className={`inbox${selected ? ' has-selection' : ''}`}>
      <aside className="inbox-list" aria-label={t('list.asideLabel')}>
        <div className="inbox-tools">
          <h1 className="visually-hidden">{t('common:nav.inbox')}</h1>
          <label htmlFor={`${ids}-q`} className="visually-hidden">
            {t('filters.searchLabel')}
          </label>
          <input
            id={`${ids}-q`}
            type="search"
            placeholder={t('filters.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <fieldset className="chips">
            <legend className="visually-hidden">{t('filters.legend')}</legend>
            {chips.map((c) => (
              <button
                key={c.key}
                type="button"
                className={`chip${filters[c.key] ? ' on' : ''}`}
                aria-pressed={filters[c.key]}
                onClick={() => toggle(c.key)}
              >
                {c.label}
              </button>
            ))}
          </fieldset>
          {isAdmin ? (
            <div className="tenant-filter">
              <label htmlFor={`${ids}-tenant`}>{t('filters.tenant')}</label>
              <select
                id={`${ids}-tenant`}
                value={filters.tenantId}
                onChange={(e) => setFilters((f) => ({ ...f, tenantId: e.target.value }))}
              >
                <option value="">{t('filters.allTenants')}</option>
                {(tenants.data ?? []).map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        <ConversationList filters={filters} selectedId={selected} tenants={tenantMap} />
      </aside>
      <div className="inbox-thread">
        {selected ? (
          <Thread key={selected} conversationId={selected} isAdmin={isAdmin} tenants={tenantMap} />
        ) : (
          <div className="thread-empty">
            <p>{t('choose')}</p>
          </div>
        )}
      </div>
    </div>
  )
}
