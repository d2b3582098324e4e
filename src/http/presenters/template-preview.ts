import { Type } from 'typebox'
import type { TemplatePreview } from '../../templates/preview.ts'
import { Nullable } from './schema-helpers.ts'

// The rendered text of a template (templates/preview.ts), as the API sends it out.

export const TemplatePreviewSchema = Type.Object({
  header: Nullable(Type.Object({ format: Type.String(), text: Type.Optional(Type.String()) })),
  body: Type.String(),
  footer: Nullable(Type.String()),
  buttons: Type.Array(
    Type.Object({
      type: Type.String(),
      text: Type.String(),
      url: Type.Optional(Type.String()),
      phone_number: Type.Optional(Type.String()),
    }),
  ),
  text: Type.String({ description: 'Everything as one plain text, as a notification shows it' }),
})

export function presentPreview(p: TemplatePreview) {
  return {
    header: p.header,
    body: p.body,
    footer: p.footer,
    buttons: p.buttons.map((b) => ({ ...b })),
    text: p.text,
  }
}
