import { recordAudit } from '../channels/audit-repo.ts'
import type { Actor, ChannelsContext } from '../channels/context.ts'
import { callGraph } from '../channels/graph-failure.ts'
import { type WabaTarget, wabaTarget } from '../channels/graph-target.ts'
import type { UploadMediaInput } from '../cloud-api/graph-client.ts'
import type { CreateTemplateRequest, TemplateComponent } from '../cloud-api/management-types.ts'
import { WahubError } from '../errors.ts'
import { checkTemplateDraft, type TemplateDraft } from './template-rules.ts'
import { findTemplate, markTemplatesDeleted, type StoredTemplate, upsertTemplate } from './templates-repo.ts'

// Creating, editing, deleting and duplicating templates at Meta (SPEC §14). Every draft passes
// Meta's rules here first (template-rules.ts); a media header's sample file goes through the
// Resumable Upload API and its handle into example.header_handle. The cache row is written from
// Meta's answer at once (PENDING), so the template is listed before its review webhook arrives.

export type HeaderMedia = UploadMediaInput
export type CreateTemplateInput = TemplateDraft & { headerMedia?: HeaderMedia }

const mediaTypes: Record<string, string[]> = {
  IMAGE: ['image/jpeg', 'image/png'],
  VIDEO: ['video/mp4'],
  DOCUMENT: ['application/pdf'],
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function headerIndex(components: unknown[]): number {
  return components.findIndex((c) => isObj(c) && String(c.type).toUpperCase() === 'HEADER')
}

/** Uploads the header sample and puts its handle into the HEADER component. */
async function withHeaderHandle(
  ctx: ChannelsContext,
  t: WabaTarget,
  components: unknown[],
  media: HeaderMedia | undefined,
): Promise<unknown[]> {
  if (!media) return components
  const i = headerIndex(components)
  const header = i === -1 ? undefined : (components[i] as Obj)
  const format = String(header?.format ?? '').toUpperCase()
  const allowed = mediaTypes[format]
  if (!header || !allowed) {
    throw new WahubError('template_invalid', 'header_media: goes with an IMAGE, VIDEO or DOCUMENT header.', {
      field: 'header_media',
    })
  }
  if (!allowed.includes(media.mimeType)) {
    throw new WahubError(
      'template_invalid',
      `header_media.mime_type: a ${format} header takes ${allowed.join(' or ')}, not ${media.mimeType}.`,
      { field: 'header_media.mime_type', allowed },
    )
  }
  const token = await callGraph('reading the app of the WABA token', () =>
    ctx.graph.debugToken(t.target, t.target.token),
  )
  const handle = await callGraph(`uploading the ${format.toLowerCase()} header sample`, () =>
    ctx.graph.uploadResumable(t.target, token.data.app_id ?? '', media),
  )
  const out = [...components]
  out[i] = { ...header, format, example: { header_handle: [handle] } }
  return out
}

export async function createTemplate(
  ctx: ChannelsContext,
  waba: string,
  input: CreateTemplateInput,
  actor: Actor,
): Promise<StoredTemplate> {
  checkTemplateDraft(input, { hasMedia: input.headerMedia !== undefined })
  const t = await wabaTarget(ctx, waba)
  const components = await withHeaderHandle(ctx, t, input.components as unknown[], input.headerMedia)
  const request: CreateTemplateRequest = {
    name: String(input.name),
    language: String(input.language),
    category: String(input.category).toUpperCase(),
    parameter_format: String(input.parameter_format ?? 'POSITIONAL').toUpperCase(),
    components: components as TemplateComponent[],
  }
  const created = await callGraph(`creating template ${request.name} (${request.language})`, () =>
    ctx.graph.createTemplate(t.target, t.wabaId, request),
  )
  await upsertTemplate(ctx.db, t.wabaRowId, {
    ...request,
    id: created.id,
    status: created.status ?? 'PENDING',
    category: created.category ?? request.category,
  })
  await recordAudit(ctx.db, {
    actor,
    action: 'templates.create',
    targetType: 'waba',
    targetId: t.wabaRowId,
    details: { name: request.name, language: request.language, templateId: created.id },
  })
  return (await findTemplate(ctx.db, created.id)) as StoredTemplate
}

async function templateOrThrow(ctx: ChannelsContext, id: string): Promise<StoredTemplate> {
  const found = await findTemplate(ctx.db, id)
  if (!found || found.status === 'DELETED') {
    throw new WahubError(
      'not_found',
      `No template ${id}.`,
      { id },
      'List templates with `wahub templates list`.',
    )
  }
  return found
}

const editable = ['APPROVED', 'REJECTED', 'PAUSED']

/** New components (and, unless APPROVED, category): the template goes back to review. */
export async function editTemplate(
  ctx: ChannelsContext,
  id: string,
  edit: { components?: unknown; category?: unknown; headerMedia?: HeaderMedia },
  actor: Actor,
): Promise<StoredTemplate> {
  const current = await templateOrThrow(ctx, id)
  if (!editable.includes(current.status)) {
    throw new WahubError(
      'template_edit_refused',
      `Template ${current.name} (${current.language}) is ${current.status}: only APPROVED, REJECTED or PAUSED templates can be edited.`,
      { status: current.status },
    )
  }
  const category = edit.category === undefined ? current.category : String(edit.category).toUpperCase()
  if (current.status === 'APPROVED' && category !== current.category) {
    throw new WahubError(
      'template_edit_refused',
      `Template ${current.name} is APPROVED: Meta does not let its category change (it is ${current.category}).`,
      { field: 'category' },
    )
  }
  const components = edit.components ?? current.components
  checkTemplateDraft(
    {
      name: current.name,
      language: current.language,
      category,
      parameter_format: current.parameterFormat ?? undefined,
      components,
    },
    { hasMedia: edit.headerMedia !== undefined },
  )
  const t = await wabaTarget(ctx, current.wabaRowId)
  const withHandle = await withHeaderHandle(ctx, t, components as unknown[], edit.headerMedia)
  await callGraph(`editing template ${current.name} (${current.language})`, () =>
    ctx.graph.editTemplate(t.target, current.metaTemplateId ?? '', {
      components: withHandle as TemplateComponent[],
      ...(category !== current.category && category ? { category } : {}),
    }),
  )
  await upsertTemplate(ctx.db, t.wabaRowId, {
    id: current.metaTemplateId ?? '',
    name: current.name,
    language: current.language,
    category: category ?? 'UTILITY',
    status: 'PENDING',
    parameter_format: current.parameterFormat ?? undefined,
    components: withHandle as TemplateComponent[],
  })
  await recordAudit(ctx.db, {
    actor,
    action: 'templates.edit',
    targetType: 'template',
    targetId: current.id,
    details: { name: current.name, language: current.language },
  })
  return templateOrThrow(ctx, current.id)
}

/** By id: that language only; `allLanguages`: every language of its name (Meta's delete by name). */
export async function deleteTemplate(
  ctx: ChannelsContext,
  id: string,
  options: { allLanguages?: boolean },
  actor: Actor,
): Promise<{ name: string; deleted: number }> {
  const current = await templateOrThrow(ctx, id)
  const t = await wabaTarget(ctx, current.wabaRowId)
  const hsmId = options.allLanguages ? undefined : (current.metaTemplateId ?? undefined)
  await callGraph(`deleting template ${current.name}`, () =>
    ctx.graph.deleteTemplate(t.target, t.wabaId, current.name, hsmId),
  )
  const deleted = await markTemplatesDeleted(ctx.db, t.wabaRowId, current.name, hsmId)
  await recordAudit(ctx.db, {
    actor,
    action: 'templates.delete',
    targetType: 'template',
    targetId: current.id,
    details: { name: current.name, allLanguages: options.allLanguages === true, deleted },
  })
  return { name: current.name, deleted }
}

/** The same template in another language: its components (or translated ones) submitted anew. */
export async function duplicateTemplate(
  ctx: ChannelsContext,
  id: string,
  input: { language: unknown; components?: unknown },
  actor: Actor,
): Promise<StoredTemplate> {
  const current = await templateOrThrow(ctx, id)
  return createTemplate(
    ctx,
    current.wabaRowId,
    {
      name: current.name,
      language: input.language,
      category: current.category,
      parameter_format: current.parameterFormat ?? 'POSITIONAL',
      components: input.components ?? current.components,
    },
    actor,
  )
}
