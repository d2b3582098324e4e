import { Type } from 'typebox'
import { getNumber, tenantNumber } from '../../../channels/numbers.ts'
import { listTemplates } from '../../../templates/templates-repo.ts'
import { principalOf } from '../../auth.ts'
import { authErrors, ErrorSchema } from '../../presenters/schema-helpers.ts'
import { presentTemplate, TemplateSchema } from '../../presenters/template.ts'
import { routes } from '../plugin.ts'

// GET /api/v1/templates: the templates a tenant can send — those of the WABAs its numbers belong
// to — as last synced. The dashboard's template picker reads it (an agent has no admin route);
// `number_id` narrows it to one number's WABA. An operator sees every WABA's.

export const templateRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/templates',
    {
      config: { access: { scope: 'read', tenant: 'any' } },
      schema: {
        tags: ['tenant'],
        summary: "Templates of the caller's numbers' WABAs (status, language, components)",
        querystring: Type.Object({
          number_id: Type.Optional(
            Type.String({
              maxLength: 100,
              description: "Only this number's WABA: Wahub's id or Meta's phone_number_id",
            }),
          ),
          status: Type.Optional(
            Type.String({ maxLength: 20, description: 'APPROVED, PENDING, REJECTED, PAUSED…' }),
          ),
          language: Type.Optional(Type.String({ maxLength: 20, examples: ['en_US'] })),
        }),
        response: {
          200: Type.Object({ templates: Type.Array(TemplateSchema) }),
          404: ErrorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const tenantId = principalOf(req).tenantId
      const { number_id: numberId, status, language } = req.query
      let wabaRowId: string | undefined
      if (numberId) {
        // A tenant names only its own numbers (another tenant's is "not found").
        const n = tenantId ? await tenantNumber(db, tenantId, numberId) : await getNumber(db, numberId)
        wabaRowId = n.wabaRowId
      }
      const templates = await listTemplates(db, {
        tenantId: tenantId ?? undefined,
        wabaRowId,
        status: status?.toUpperCase(),
      })
      return {
        templates: templates
          .filter((t) => t.status !== 'DELETED' && (!language || t.language === language))
          .map(presentTemplate),
      }
    },
  )
})
