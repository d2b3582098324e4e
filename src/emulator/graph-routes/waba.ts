import type { FastifyInstance } from 'fastify'
import { verifyCallback } from '../callback-check.ts'
import type { EmulatorContext } from '../context.ts'
import { page } from '../fields.ts'
import { unknownObject } from '../graph-errors.ts'
import { wabaFor } from '../lookup.ts'
import { graphParams } from '../request-info.ts'
import { createTemplate, deleteTemplates, listTemplates, presentTemplate } from '../templates-admin.ts'
import type { JsonObject } from '../types.ts'
import { optionalString, requireString } from '../validate-helpers.ts'

// WABA edges (FACTS §6): subscribed_apps (GET / POST with optional override / DELETE) and
// message_templates (GET paged with filters / POST / DELETE).

export async function wabaRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/:id/subscribed_apps', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    const data: JsonObject[] = []
    for (const [appId, sub] of waba.subscriptions) {
      const entry: JsonObject = {
        whatsapp_business_api_data: {
          id: appId,
          link: `https://www.facebook.com/games/?app_id=${appId}`,
          name: appId === ctx.state.app.id ? ctx.state.app.name : 'Other app',
        },
      }
      if (sub.overrideCallbackUri) entry.override_callback_uri = sub.overrideCallbackUri
      data.push(entry)
    }
    return { data }
  })

  app.post('/:id/subscribed_apps', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    const params = graphParams(req)
    const uri = optionalString(params.override_callback_uri, 'override_callback_uri', { min: 0 })
    // Subscribing again without a body removes the WABA override (M-OVR).
    if (uri === undefined || uri === '') {
      waba.subscriptions.set(ctx.state.app.id, {})
      return { success: true }
    }
    const verifyToken = requireString(params.verify_token, 'verify_token')
    await verifyCallback(ctx, uri, verifyToken)
    waba.subscriptions.set(ctx.state.app.id, { overrideCallbackUri: uri, verifyToken })
    return { success: true }
  })

  app.delete('/:id/subscribed_apps', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    waba.subscriptions.delete(ctx.state.app.id)
    return { success: true }
  })

  app.get('/:id/message_templates', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    const params = graphParams(req)
    const templates = listTemplates(ctx, waba, params).map((t) => presentTemplate(t, params.fields))
    return page(templates, params, `${ctx.baseUrl}${req.url}`)
  })

  // Not a Meta path, but some SDKs (Kapso's) read one template this way; Meta's is GET /{id}.
  app.get('/:id/message_templates/:templateId', async (req) => {
    const { id, templateId } = req.params as { id: string; templateId: string }
    const waba = wabaFor(ctx, req, id, 'management')
    const template = ctx.state.templates.get(templateId)
    if (!template || template.wabaId !== waba.id || template.status === 'DELETED') {
      throw unknownObject('get', templateId)
    }
    return presentTemplate(template, graphParams(req).fields)
  })

  app.post('/:id/message_templates', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    return createTemplate(ctx, waba, graphParams(req))
  })

  app.delete('/:id/message_templates', async (req) => {
    const { id } = req.params as { id: string }
    const waba = wabaFor(ctx, req, id, 'management')
    return deleteTemplates(ctx, waba, graphParams(req))
  })
}
