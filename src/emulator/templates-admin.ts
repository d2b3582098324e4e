import type { EmulatorContext } from './context.ts'
import { selectFields } from './fields.ts'
import { GraphError, invalidParam } from './graph-errors.ts'
import { newObjectId } from './ids.ts'
import { uploadedFile } from './resumable-uploads.ts'
import { validateTemplateComponents } from './template-validate.ts'
import type { JsonObject, Template, TemplateCategory, TemplateStatus, Waba } from './types.ts'
import { oneOf, requireString } from './validate-helpers.ts'
import { templateStatusValue } from './webhook-payloads.ts'

// Template management (FACTS §6): create → PENDING then reviewed after templateReviewMs with a
// message_template_status_update webhook (always to the app callback, M-OVR); list / delete;
// control-route status changes (approve, reject, pause, disable) emit the same webhook.

const templateFields = [
  'name',
  'components',
  'language',
  'status',
  'category',
  'id',
  'parameter_format',
  'quality_score',
  'rejected_reason',
] as const

export function presentTemplate(t: Template, fields: unknown): JsonObject {
  return selectFields(
    {
      id: () => t.id,
      name: () => t.name,
      components: () => t.components,
      language: () => t.language,
      status: () => t.status,
      category: () => t.category,
      parameter_format: () => t.parameterFormat,
      quality_score: () => ({ score: t.qualityScore, date: Math.floor(t.createdAt / 1000) }),
      rejected_reason: () => t.rejectedReason,
      previous_category: () => undefined,
    },
    fields,
    templateFields,
    'WhatsAppMessageTemplate',
  )
}

export function listTemplates(ctx: EmulatorContext, waba: Waba, params: Record<string, unknown>): Template[] {
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const name = str(params.name)
  const statuses = str(params.status)?.toUpperCase().split(',')
  const category = str(params.category)?.toUpperCase().split(',')
  const language = str(params.language)
  return [...ctx.state.templates.values()].filter(
    (t) =>
      t.wabaId === waba.id &&
      t.status !== 'DELETED' &&
      (!name || t.name.includes(name)) &&
      (!statuses || statuses.includes(t.status)) &&
      (!category || category.includes(t.category)) &&
      (!language || t.language === language),
  )
}

export function setTemplateStatus(
  ctx: EmulatorContext,
  template: Template,
  status: TemplateStatus | 'REINSTATED',
  reason?: string,
): void {
  const next: TemplateStatus = status === 'REINSTATED' ? 'APPROVED' : status
  template.status = next
  template.rejectedReason = next === 'REJECTED' ? (reason ?? 'INVALID_FORMAT') : 'NONE'
  ctx.webhooks.emit({
    wabaId: template.wabaId,
    field: 'message_template_status_update',
    value: templateStatusValue(
      template,
      status,
      next === 'REJECTED' ? template.rejectedReason : 'NONE',
      next === 'PAUSED' ? reason : undefined,
    ),
  })
}

function scheduleReview(ctx: EmulatorContext, template: Template): void {
  if (ctx.options.templateReview === 'manual') return
  ctx.scheduler.after(ctx.options.delays.templateReviewMs, () => {
    if (template.status !== 'PENDING') return
    setTemplateStatus(ctx, template, ctx.options.templateReview === 'reject' ? 'REJECTED' : 'APPROVED')
  })
}

export function createTemplate(
  ctx: EmulatorContext,
  waba: Waba,
  params: Record<string, unknown>,
): JsonObject {
  const name = requireString(params.name, 'name', { max: 512 })
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw invalidParam('Param name can only contain lowercase characters, numbers and underscores.')
  }
  const language = requireString(params.language, 'language', { max: 15 })
  if (!/^[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?$/.test(language))
    throw invalidParam('Param language must be a language code Meta supports, such as en_US, es or pt_BR.')
  const category = oneOf(String(params.category ?? '').toUpperCase() || undefined, 'category', [
    'MARKETING',
    'UTILITY',
    'AUTHENTICATION',
  ]) as TemplateCategory
  const parameterFormat =
    params.parameter_format === undefined
      ? 'POSITIONAL'
      : oneOf(String(params.parameter_format).toUpperCase(), 'parameter_format', ['POSITIONAL', 'NAMED'])
  const components = validateTemplateComponents(params.components, category, parameterFormat, {
    knownHandle: (h) => uploadedFile(ctx, h) !== undefined,
  })
  for (const t of ctx.state.templates.values()) {
    if (t.wabaId === waba.id && t.name === name && t.language === language && t.status !== 'DELETED') {
      throw new GraphError(100, `Content in this language already exists: ${name} (${language}).`, {
        subcode: 2388024,
      })
    }
  }
  const active = [...ctx.state.templates.values()].filter(
    (t) => t.wabaId === waba.id && t.status !== 'DELETED',
  )
  if (active.length >= 250) {
    throw new GraphError(
      2388019,
      'This WhatsApp Business Account has reached its limit of 250 message templates.',
    )
  }
  const template: Template = {
    id: newObjectId(),
    wabaId: waba.id,
    name,
    language,
    category,
    status: 'PENDING',
    parameterFormat,
    components,
    rejectedReason: 'NONE',
    qualityScore: 'UNKNOWN',
    createdAt: Date.now(),
  }
  ctx.state.templates.set(template.id, template)
  scheduleReview(ctx, template)
  return { id: template.id, status: 'PENDING', category }
}

const dayMs = 24 * 3600_000
const editableStatuses: readonly string[] = ['APPROVED', 'REJECTED', 'PAUSED']

/**
 * Meta's edit rules: only APPROVED, REJECTED or PAUSED templates; an APPROVED one at most once in
 * 24 hours and 10 times in 30 days, and never its category; name and language never change.
 */
function checkEditAllowed(template: Template, params: Record<string, unknown>, now: number): void {
  if (!editableStatuses.includes(template.status)) {
    throw invalidParam(
      `Message template ${template.name} is ${template.status}: only APPROVED, REJECTED or PAUSED templates can be edited.`,
    )
  }
  for (const field of ['name', 'language', 'parameter_format']) {
    if (params[field] !== undefined)
      throw invalidParam(`The ${field} of a message template cannot be edited.`)
  }
  if (template.status !== 'APPROVED') return
  if (params.category !== undefined && String(params.category).toUpperCase() !== template.category) {
    throw invalidParam('The category of an approved message template cannot be edited.')
  }
  const edits = (template.approvedEdits ?? []).filter((t) => t > now - 30 * dayMs)
  if (edits.some((t) => t > now - dayMs)) {
    throw new GraphError(100, 'An approved message template can be edited once in 24 hours.')
  }
  if (edits.length >= 10) {
    throw new GraphError(100, 'An approved message template can be edited 10 times in 30 days.')
  }
  template.approvedEdits = [...edits, now]
}

/** POST /{template-id}: new components send the template back to review. */
export function editTemplate(
  ctx: EmulatorContext,
  template: Template,
  params: Record<string, unknown>,
): JsonObject {
  if (params.components === undefined && params.category === undefined) {
    throw invalidParam('The parameter components is required.')
  }
  checkEditAllowed(template, params, Date.now())
  if (params.category !== undefined) {
    template.category = oneOf(String(params.category).toUpperCase(), 'category', [
      'MARKETING',
      'UTILITY',
      'AUTHENTICATION',
    ]) as TemplateCategory
  }
  if (params.components !== undefined) {
    template.components = validateTemplateComponents(
      params.components,
      template.category,
      template.parameterFormat,
      { knownHandle: (h) => uploadedFile(ctx, h) !== undefined || sameHandle(template, h) },
    )
  }
  template.status = 'PENDING'
  scheduleReview(ctx, template)
  return { success: true }
}

/** An edit may keep the media header example the template already had. */
function sameHandle(template: Template, handle: string): boolean {
  return JSON.stringify(template.components).includes(JSON.stringify(handle))
}

/** DELETE ?name= (all languages) or ?hsm_id=&name= (one template). */
export function deleteTemplates(
  ctx: EmulatorContext,
  waba: Waba,
  params: Record<string, unknown>,
): JsonObject {
  const name = requireString(params.name, 'name')
  const hsmId = typeof params.hsm_id === 'string' && params.hsm_id !== '' ? params.hsm_id : undefined
  const language = typeof params.language === 'string' && params.language !== '' ? params.language : undefined
  const matches = [...ctx.state.templates.values()].filter(
    (t) =>
      t.wabaId === waba.id &&
      t.status !== 'DELETED' &&
      t.name === name &&
      (!hsmId || t.id === hsmId) &&
      (!language || t.language === language),
  )
  if (matches.length === 0) throw invalidParam(`Message template ${name} was not found.`)
  for (const t of matches) {
    t.status = 'DELETED'
    ctx.webhooks.emit({
      wabaId: t.wabaId,
      field: 'message_template_status_update',
      value: templateStatusValue(t, 'DELETED', 'NONE'),
    })
  }
  return { success: true }
}
