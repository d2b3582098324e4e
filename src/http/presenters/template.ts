import { Type } from 'typebox'
import { renderTemplatePreview } from '../../templates/preview.ts'
import type { StoredTemplate } from '../../templates/templates-repo.ts'
import { Millis, NStr, Nullable, Str } from './schema-helpers.ts'
import { presentPreview, TemplatePreviewSchema } from './template-preview.ts'

// Every field of a stored template that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields.

export const TemplateSchema = Type.Object({
  id: Str,
  wabaRowId: Str,
  metaTemplateId: NStr,
  name: Str,
  language: Str,
  category: NStr,
  status: Str,
  qualityScore: NStr,
  rejectedReason: NStr,
  parameterFormat: NStr,
  components: Type.Array(Type.Unknown()),
  syncedAt: Nullable(Millis),
  updatedAt: Millis,
  lastUsedAt: Nullable(Millis),
  /** As WhatsApp shows it, the examples in place of the variables (templates/preview.ts). */
  preview: TemplatePreviewSchema,
})

export function presentTemplate(t: StoredTemplate) {
  return {
    id: t.id,
    wabaRowId: t.wabaRowId,
    metaTemplateId: t.metaTemplateId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    qualityScore: t.qualityScore,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    components: t.components,
    syncedAt: t.syncedAt,
    updatedAt: t.updatedAt,
    lastUsedAt: t.lastUsedAt,
    preview: presentPreview(renderTemplatePreview(t.components)),
  }
}
