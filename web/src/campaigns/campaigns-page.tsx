import './campaigns.css'
import { usePath } from '../router.tsx'
import { CampaignCreate } from './campaign-create.tsx'
import { CampaignList } from './campaign-list.tsx'
import { CampaignView } from './campaign-view.tsx'
import { SuppressionList } from './suppression-list.tsx'

// The Campaigns section (docs/CAMPAIGNS.md, docs/DASHBOARD.md): /campaigns (the list, per tenant),
// /campaigns/<tenant>/new (import an audience, template and parameters, schedule, rate),
// /campaigns/<tenant>/<id> (a draft's dry run and launch; the live progress of a launched one) and
// /campaigns/<tenant>/suppressions (the opt-out list).

export function CampaignsPage() {
  const [, , tenant, id] = usePath().split('/')
  if (tenant && id === 'new') return <CampaignCreate key={tenant} tenantId={decodeURIComponent(tenant)} />
  if (tenant && id === 'suppressions')
    return <SuppressionList key={tenant} tenantId={decodeURIComponent(tenant)} />
  if (tenant && id)
    return <CampaignView key={id} tenantId={decodeURIComponent(tenant)} id={decodeURIComponent(id)} />
  return <CampaignList />
}

/** `/api/v1/<path>` for a tenant (the dashboard's operators name the tenant on every call). */
export function tenantPath(path: string, tenantId: string, extra = ''): string {
  return `/api/v1/${path}?tenant_id=${encodeURIComponent(tenantId)}${extra}`
}

export function campaignHref(tenantId: string, rest: string): string {
  return `/campaigns/${encodeURIComponent(tenantId)}/${rest}`
}
