import './integrations.css'
import { ApiError } from '../api.ts'
import { usePath } from '../router.tsx'
import { SubscriptionCreate } from './subscription-create.tsx'
import { SubscriptionList } from './subscription-list.tsx'
import { SubscriptionView } from './subscription-view.tsx'
import { WidgetSettingsPage } from './widget-settings.tsx'

// The Integrations section (docs/INTEGRATIONS.md, docs/DASHBOARD.md): /integrations (a tenant's
// webhook subscriptions and the way to its website widget), /integrations/<tenant>/new (subscribe
// a URL; its secret shown once), /integrations/<tenant>/widget (the website chat widget) and
// /integrations/<tenant>/<id> (one subscription: test event, enable/disable, secret, edit, and its
// delivery log with redelivery).

export function IntegrationsPage() {
  const [, , tenant, id] = usePath().split('/')
  if (tenant && id === 'new') return <SubscriptionCreate key={tenant} tenantId={decodeURIComponent(tenant)} />
  if (tenant && id === 'widget')
    return <WidgetSettingsPage key={tenant} tenantId={decodeURIComponent(tenant)} />
  if (tenant && id)
    return <SubscriptionView key={id} tenantId={decodeURIComponent(tenant)} id={decodeURIComponent(id)} />
  return <SubscriptionList />
}

/** `/api/v1/<path>` for a tenant (the dashboard's operators name the tenant on every call). */
export function tenantPath(path: string, tenantId: string, extra = ''): string {
  return `/api/v1/${path}?tenant_id=${encodeURIComponent(tenantId)}${extra}`
}

export function integrationsHref(tenantId: string, rest: string): string {
  return `/integrations/${encodeURIComponent(tenantId)}/${rest}`
}

/** The server's word on each field of a refused form (422/400 validation_failed: details[].field). */
export function fieldProblems(error: unknown): Record<string, { problem: string; message: string }> {
  const out: Record<string, { problem: string; message: string }> = {}
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return out
  for (const d of error.details as { field?: unknown; problem?: unknown }[]) {
    if (typeof d?.field !== 'string') continue
    const field = d.field.split(/[./[]/)[0]
    out[field] ??= { problem: String(d.problem ?? ''), message: error.message }
  }
  return out
}
