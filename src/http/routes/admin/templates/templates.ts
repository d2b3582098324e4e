import { Type } from 'typebox'
import { getWaba } from '../../../../channels/wabas.ts'
import { listTemplates } from '../../../../templates/templates-repo.ts'
import { commonErrors } from '../../../presenters/schema-helpers.ts'
import { presentTemplate, TemplateSchema } from '../../../presenters/template.ts'
import { routes } from '../../plugin.ts'

const admin = { access: { scope: 'admin' } } as const

export const adminTemplateRoutes = routes(async (app, { handle: { db } }) => {
  app.get(
    '/templates',
    {
      config: admin,
      schema: {
        tags: ['admin: templates'],
        summary: 'Templates as last synced (POST /admin/wabas/{id}/templates/sync to refresh)',
        querystring: Type.Object({
          wabaId: Type.Optional(Type.String()),
          status: Type.Optional(Type.String()),
          name: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ templates: Type.Array(TemplateSchema) }), ...commonErrors },
      },
    },
    async (req) => {
      const wabaRowId = req.query.wabaId ? (await getWaba(db, req.query.wabaId)).id : undefined
      const templates = await listTemplates(db, { wabaRowId, status: req.query.status, name: req.query.name })
      return { templates: templates.map(presentTemplate) }
    },
  )
})
