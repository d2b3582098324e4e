import { useState } from 'react'
import { get } from '../api.ts'
import type { Tenant } from '../api-types.ts'
import { Link } from '../router.tsx'
import { SelectField } from './select-field.tsx'
import { useLoad } from './server-state.ts'

// The tenant an admin page lists (campaigns, integrations): the tenants, the one chosen —
// remembered for the browser tab under `storageKey`, else the first — and the toolbar that
// chooses it beside the page's own buttons.

export function useChosenTenant(storageKey: string) {
  const tenants = useLoad(
    ['chosen-tenant', storageKey],
    async () => (await get<{ tenants: Tenant[] }>('/api/v1/admin/tenants')).tenants,
  )
  const [chosen, setChosen] = useState(() => sessionStorage.getItem(storageKey) ?? '')
  const tenantId = tenants.data?.some((x) => x.id === chosen) ? chosen : (tenants.data?.[0]?.id ?? '')
  const choose = (id: string) => {
    sessionStorage.setItem(storageKey, id)
    setChosen(id)
  }
  return { tenants, tenantId, choose }
}

/** The tenant select and, once a tenant is chosen, its links (the first one the page's main action). */
export function TenantToolbar(props: {
  label: string
  choice: ReturnType<typeof useChosenTenant>
  links: (tenantId: string) => [href: string, label: string][]
}) {
  const { tenants, tenantId, choose } = props.choice
  return (
    <div className="toolbar">
      <SelectField
        label={props.label}
        value={tenantId}
        onValue={choose}
        options={(tenants.data ?? []).map((x) => [x.id, x.name] as const)}
      />
      {tenantId
        ? props.links(tenantId).map(([href, label], i) => (
            <Link key={href} className={i === 0 ? 'button' : 'button secondary'} href={href}>
              {label}
            </Link>
          ))
        : null}
    </div>
  )
}
