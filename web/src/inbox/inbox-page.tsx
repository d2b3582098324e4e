import './conversation-list.css'
import './thread.css'
import './ticks.css'
import './composer.css'
import './team.css'
import './activity.css'
import './contact-panel.css'
import { useEffect, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { get } from '../api.ts'
import type { PhoneNumber, Tenant, User } from '../api-types.ts'
import { useLoad } from '../ui/server-state.ts'
import { ConversationList } from './conversation-list.tsx'
import { type Filters, initialFilters, ListFilters } from './list-filters.tsx'
import { useLabels } from './team.ts'
import { Thread } from './thread.tsx'
import { useUnreadByTab } from './unread-counts.ts'

// The team inbox: conversations on the left, the open conversation on the right; at phone width
// one or the other (the URL says which). Admins read every tenant's inbox (with a tenant filter);
// agents their own tenant's only — the server decides, the filter is a convenience.

export function InboxPage(props: { user: User; path: string }) {
  const { t } = useTranslation('inbox')
  const ids = useId()
  const selected = props.path.split('/')[2] || null
  const isAdmin = props.user.role === 'admin'
  const [search, setSearch] = useState('')
  const [filters, setFilters] = useState<Filters>(initialFilters)
  const tenants = useLoad(['inbox-tenants', isAdmin], async () =>
    isAdmin ? (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')).tenants : [],
  )
  const tenantMap = useMemo(
    () => (isAdmin ? new Map((tenants.data ?? []).map((t) => [t.id, t])) : null),
    [isAdmin, tenants.data],
  )
  // The tenant whose labels and numbers filter the list: the agent's, or the one an admin chose.
  const tenantId = isAdmin ? filters.tenantId || null : props.user.tenantId
  const { labels } = useLabels(tenantId)
  const ownNumbers = useLoad(['inbox-numbers', isAdmin], async () =>
    isAdmin ? [] : (await get<{ numbers: PhoneNumber[] }>('/api/v1/numbers')).numbers,
  )
  const numbers = isAdmin
    ? (tenantMap?.get(filters.tenantId)?.numbers ?? []).map((n) => ({
        id: n.id,
        label: n.displayPhoneNumber ?? n.phoneNumberId,
      }))
    : (ownNumbers.data ?? []).map((n) => ({ id: n.id, label: n.displayPhoneNumber ?? n.phoneNumberId }))
  const unreadByTab = useUnreadByTab(!isAdmin)

  // Search as you type, without a request per key.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === search ? f : { ...f, q: search })), 250)
    return () => clearTimeout(t)
  }, [search])

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
          <ListFilters
            filters={filters}
            onChange={(change) => setFilters((f) => ({ ...f, ...change }))}
            showAssignee={!isAdmin}
            unreadByTab={unreadByTab}
            labels={labels}
            numbers={numbers}
          />
          {isAdmin ? (
            <div className="tenant-filter">
              <label htmlFor={`${ids}-tenant`}>{t('filters.tenant')}</label>
              <select
                id={`${ids}-tenant`}
                value={filters.tenantId}
                onChange={(e) =>
                  setFilters((f) => ({ ...f, tenantId: e.target.value, label: '', numberId: '' }))
                }
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
        <ConversationList filters={filters} selectedId={selected} tenants={tenantMap} user={props.user} />
      </aside>
      <div className="inbox-thread">
        {selected ? (
          <Thread key={selected} conversationId={selected} user={props.user} tenants={tenantMap} />
        ) : (
          <div className="thread-empty">
            <p>{t('choose')}</p>
          </div>
        )}
      </div>
    </div>
  )
}
