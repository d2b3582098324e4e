import { useEffect, useId, useMemo, useState } from 'react'
import { get } from '../api.ts'
import type { Tenant, User } from '../api-types.ts'
import { ConversationList, type Filters } from '../inbox/conversation-list.tsx'
import { Thread } from '../inbox/thread.tsx'
import { useLoad } from '../ui/hooks.ts'

// The team inbox: conversations on the left, the open conversation on the right; at phone width
// one or the other (the URL says which). Admins read every tenant's inbox (with a tenant filter);
// agents their own tenant's only — the server decides, the filter is a convenience.

const initial: Filters = { q: '', open: false, unread: false, windowOpen: false, tenantId: '' }

export function InboxPage(props: { user: User; path: string }) {
  const ids = useId()
  const selected = props.path.split('/')[2] || null
  const isAdmin = props.user.role === 'admin'
  const [search, setSearch] = useState('')
  const [filters, setFilters] = useState<Filters>(initial)
  const tenants = useLoad(
    async () => (isAdmin ? (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')).tenants : []),
    [isAdmin],
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
    { key: 'open', label: 'Open' },
    { key: 'unread', label: 'Unread' },
    { key: 'windowOpen', label: 'Window open' },
  ]

  return (
    <div className={`inbox${selected ? ' has-selection' : ''}`}>
      <aside className="inbox-list" aria-label="Conversation list">
        <div className="inbox-tools">
          <h1 className="visually-hidden">Inbox</h1>
          <label htmlFor={`${ids}-q`} className="visually-hidden">
            Search by name or number
          </label>
          <input
            id={`${ids}-q`}
            type="search"
            placeholder="Search name or number"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <fieldset className="chips">
            <legend className="visually-hidden">Filters</legend>
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
              <label htmlFor={`${ids}-tenant`}>Tenant</label>
              <select
                id={`${ids}-tenant`}
                value={filters.tenantId}
                onChange={(e) => setFilters((f) => ({ ...f, tenantId: e.target.value }))}
              >
                <option value="">All tenants</option>
                {(tenants.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
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
            <p>Choose a conversation to read and reply.</p>
          </div>
        )}
      </div>
    </div>
  )
}
