import { Type } from 'typebox'

// Request bodies of the template authoring routes. Components keep Meta's shape (uppercase
// types, example blocks: FACTS §6) and are checked against Meta's rules by
// templates/template-rules.ts, which answers 422 template_invalid naming the field.

export const Components = Type.Array(Type.Record(Type.String(), Type.Unknown()), {
  minItems: 1,
  maxItems: 4,
  description: "Meta's components: HEADER, BODY, FOOTER, BUTTONS (see docs/templates.md)",
})

export const HeaderMedia = Type.Object(
  {
    data_base64: Type.String({ minLength: 4, maxLength: 22_000_000, description: 'The sample file, base64' }),
    mime_type: Type.String({
      examples: ['image/jpeg'],
      description: 'image/jpeg, image/png, video/mp4, application/pdf',
    }),
    file_name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  {
    additionalProperties: false,
    description: "Sample of an IMAGE/VIDEO/DOCUMENT header: uploaded with Meta's Resumable Upload API",
  },
)

export const CreateTemplateBody = Type.Object(
  {
    name: Type.String({ maxLength: 512, examples: ['order_update'] }),
    language: Type.String({ maxLength: 15, examples: ['en_US'] }),
    category: Type.String({ examples: ['UTILITY'], description: 'MARKETING, UTILITY or AUTHENTICATION' }),
    parameter_format: Type.Optional(Type.String({ description: 'POSITIONAL (default) or NAMED' })),
    components: Components,
    header_media: Type.Optional(HeaderMedia),
  },
  { additionalProperties: false },
)

export const EditTemplateBody = Type.Object(
  {
    components: Type.Optional(Components),
    category: Type.Optional(Type.String()),
    header_media: Type.Optional(HeaderMedia),
  },
  { additionalProperties: false },
)

export const DuplicateTemplateBody = Type.Object(
  {
    language: Type.String({ maxLength: 15, examples: ['es'] }),
    components: Type.Optional(Components),
  },
  { additionalProperties: false },
)

const Values = Type.Record(Type.String({ maxLength: 60 }), Type.String({ maxLength: 1024 }))

export const PreviewBody = Type.Object(
  {
    components: Components,
    category: Type.Optional(Type.String()),
    parameter_format: Type.Optional(Type.String()),
    values: Type.Optional(
      Type.Object(
        { header: Type.Optional(Values), body: Type.Optional(Values), buttons: Type.Optional(Values) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
