import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyPluginAsync } from 'fastify'
import { Type } from 'typebox'
import { WahubError } from '../../../errors.ts'
import {
  createTemplate,
  deleteTemplate,
  duplicateTemplate,
  editTemplate,
  type HeaderMedia,
} from '../../../templates/authoring.ts'
import { renderTemplatePreview } from '../../../templates/preview.ts'
import { checkTemplateDraft } from '../../../templates/template-rules.ts'
import { findTemplate } from '../../../templates/templates-repo.ts'
import type { AppDeps } from '../../app.ts'
import { actorOfRequest } from '../../auth.ts'
import { commonErrors, IdParams } from '../../presenters/schema-helpers.ts'
import { presentTemplate, TemplateSchema } from '../../presenters/template.ts'
import { presentPreview, TemplatePreviewSchema } from '../../presenters/template-preview.ts'
import { channelsOf } from '../admin/context.ts'
import { routes } from '../plugin.ts'
import { CreateTemplateBody, DuplicateTemplateBody, EditTemplateBody, PreviewBody } from './schema.ts'

// Template authoring (SPEC §14): create, show, edit, delete, duplicate under /api/v1/admin
// (operators), and the preview renderer under /api/v1 for every signed-in caller (the
// dashboard's live preview). Rules live in templates/; these routes validate, call, present.

const admin = { access: { scope: 'admin' } } as const
const tags = ['admin: templates']
// A media header's sample travels base64 in the JSON body (image 5 MB, video 16 MB).
const mediaBodyLimit = 24 * 1024 * 1024

const Answer = Type.Object({ template: TemplateSchema, preview: TemplatePreviewSchema })

function mediaOf(
  m: { data_base64: string; mime_type: string; file_name: string } | undefined,
): HeaderMedia | undefined {
  if (!m) return undefined
  const bytes = Buffer.from(m.data_base64, 'base64')
  if (bytes.length === 0)
    throw new WahubError('validation_failed', 'header_media.data_base64: is not base64 file content.', {
      field: 'header_media.data_base64',
    })
  return { bytes, mimeType: m.mime_type, filename: m.file_name }
}

function answer(t: Parameters<typeof presentTemplate>[0]) {
  return { template: presentTemplate(t), preview: presentPreview(renderTemplatePreview(t.components)) }
}

export const adminTemplateAuthoringRoutes = routes(async (app, deps) => {
  const ctx = channelsOf(deps)

  app.post(
    '/wabas/:id/templates',
    {
      config: admin,
      bodyLimit: mediaBodyLimit,
      schema: {
        tags,
        summary: 'Create a template (submitted to Meta for review)',
        description:
          "Checked against Meta's rules first (422 template_invalid names the field). A media header's sample (header_media) is uploaded with the Resumable Upload API. The template is PENDING until Meta's review webhook arrives.",
        params: IdParams,
        body: CreateTemplateBody,
        response: { 201: Answer, ...commonErrors },
      },
    },
    async (req, reply) => {
      const { header_media, ...draft } = req.body
      const t = await createTemplate(
        ctx,
        req.params.id,
        { ...draft, headerMedia: mediaOf(header_media) },
        actorOfRequest(req),
      )
      return reply.code(201).send(answer(t))
    },
  )

  app.get(
    '/templates/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'One template with its preview (our id or Meta template id)',
        params: IdParams,
        response: { 200: Answer, ...commonErrors },
      },
    },
    async (req) => {
      const t = await findTemplate(ctx.db, req.params.id)
      if (!t) throw new WahubError('not_found', `No template ${req.params.id}.`, { id: req.params.id })
      return answer(t)
    },
  )

  app.patch(
    '/templates/:id',
    {
      config: admin,
      bodyLimit: mediaBodyLimit,
      schema: {
        tags,
        summary: 'Edit a template (back to review)',
        description:
          "Meta's edit rules: APPROVED, REJECTED or PAUSED templates only; an APPROVED one once a day and 10 times in 30 days, never its category (422 template_edit_refused).",
        params: IdParams,
        body: EditTemplateBody,
        response: { 200: Answer, ...commonErrors },
      },
    },
    async (req) => {
      const { header_media, ...edit } = req.body
      const t = await editTemplate(
        ctx,
        req.params.id,
        { ...edit, headerMedia: mediaOf(header_media) },
        actorOfRequest(req),
      )
      return answer(t)
    },
  )

  app.delete(
    '/templates/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Delete a template at Meta (this language, or every language of its name)',
        params: IdParams,
        querystring: Type.Object({
          all_languages: Type.Optional(Type.Boolean({ description: 'Delete the name in every language' })),
        }),
        response: { 200: Type.Object({ name: Type.String(), deleted: Type.Integer() }), ...commonErrors },
      },
    },
    async (req) =>
      deleteTemplate(
        ctx,
        req.params.id,
        { allLanguages: req.query.all_languages === true },
        actorOfRequest(req),
      ),
  )

  app.post(
    '/templates/:id/duplicate',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Submit the same template in another language (optionally with translated components)',
        params: IdParams,
        body: DuplicateTemplateBody,
        response: { 201: Answer, ...commonErrors },
      },
    },
    async (req, reply) => {
      const t = await duplicateTemplate(ctx, req.params.id, req.body, actorOfRequest(req))
      return reply.code(201).send(answer(t))
    },
  )
})

/** POST /api/v1/templates/preview: pure, for every caller (the dashboard's live preview). */
export const templatePreviewRoutes: FastifyPluginAsync<AppDeps> = async (base) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>()
  app.post(
    '/templates/preview',
    {
      config: { access: { scope: 'read', tenant: 'any' } },
      schema: {
        tags: ['tenant'],
        summary: "Render template components as WhatsApp shows them, and check them against Meta's rules",
        body: PreviewBody,
        response: {
          200: Type.Object({
            preview: TemplatePreviewSchema,
            problem: Type.Union([Type.Null(), Type.Object({ field: Type.String(), message: Type.String() })]),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => {
      const { components, values, category, parameter_format } = req.body
      let problem: { field: string; message: string } | null = null
      try {
        checkTemplateDraft(
          { name: 'preview', language: 'en', category: category ?? 'UTILITY', parameter_format, components },
          { hasMedia: true },
        )
      } catch (err) {
        if (!(err instanceof WahubError)) throw err
        problem = { field: String((err.details as { field?: string })?.field ?? ''), message: err.message }
      }
      return { preview: presentPreview(renderTemplatePreview(components, values)), problem }
    },
  )
}
