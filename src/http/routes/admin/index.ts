import type { FastifyPluginAsync } from 'fastify'
import type { AppDeps } from '../../app.ts'
import { adminApiKeyRoutes } from './api-keys/api-keys.ts'
import { adminAppRoutes } from './apps/apps.ts'
import { adminAuditRoutes } from './audit/audit.ts'
import { adminDiagnosticsRoutes } from './diagnostics/diagnostics.ts'
import { adminEventRoutes } from './events/events.ts'
import { adminGoliveRoutes } from './golive/golive.ts'
import { adminNumberRoutes } from './numbers/numbers.ts'
import { adminSettingsRoutes } from './settings/settings.ts'
import { adminTemplateRoutes } from './templates/templates.ts'
import { adminTenantRoutes } from './tenants/tenants.ts'
import { adminUserRoutes } from './users/users.ts'
import { adminWabaRoutes } from './wabas/wabas.ts'
import { adminWebhookConfigRoutes } from './webhook-config/webhook-config.ts'

// The admin API under /api/v1/admin (admin scope: operator keys and admin users). Each route
// calls the same channel function as the matching CLI command.
export const adminRoutes: FastifyPluginAsync<AppDeps> = async (app, options) => {
  // Registered with `prefix` among the options: passed on, it would prefix the children again.
  const { prefix: _prefix, ...deps } = options as AppDeps & { prefix?: string }
  for (const resource of [
    adminAppRoutes,
    adminWabaRoutes,
    adminNumberRoutes,
    adminWebhookConfigRoutes,
    adminTenantRoutes,
    adminSettingsRoutes,
    adminApiKeyRoutes,
    adminUserRoutes,
    adminTemplateRoutes,
    adminAuditRoutes,
    adminDiagnosticsRoutes,
    adminEventRoutes,
    adminGoliveRoutes,
  ])
    await app.register(resource, deps)
}
