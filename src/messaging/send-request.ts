import { type Static, type TSchema, Type } from 'typebox'

// The body of POST /api/v1/messages (and of `wahub send`): Meta's own message shape (FACTS §2,
// so a Cloud API payload works as is) plus `from`. One object with an optional field per type,
// not a union: a mistake deep inside `interactive` is reported at its exact path instead of
// "must match a schema in anyOf". Meta's length and count limits are in the schema; what a
// schema cannot say (the field named by `type` is present, id xor link, unique button ids…) is
// checked by send-checks.ts.

const str = (max: number, options: { min?: number; description?: string } = {}) =>
  Type.String({ minLength: options.min ?? 1, maxLength: max, description: options.description })
const strict = { additionalProperties: false } as const

export const messageTypes = [
  'text',
  'template',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
] as const
export type MessageType = (typeof messageTypes)[number]
export const mediaMessageTypes = ['image', 'audio', 'video', 'document', 'sticker'] as const
export type MediaType = (typeof mediaMessageTypes)[number]

const mediaId = () =>
  Type.Optional(str(200, { description: 'A media id from POST /api/v1/media (or any Meta media id)' }))
const mediaLink = () => Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 }))
const captioned = Type.Object(
  { id: mediaId(), link: mediaLink(), caption: Type.Optional(str(1024, { min: 0 })) },
  strict,
)
const bare = Type.Object({ id: mediaId(), link: mediaLink() }, strict)
const documentMedia = Type.Object(
  {
    id: mediaId(),
    link: mediaLink(),
    caption: Type.Optional(str(1024, { min: 0 })),
    filename: Type.Optional(str(240)),
  },
  strict,
)

const HeaderMedia = Type.Object(
  {
    id: Type.Optional(str(200)),
    link: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    filename: Type.Optional(str(240)),
  },
  strict,
)

const Text = Type.Object(
  {
    body: str(4096),
    preview_url: Type.Optional(Type.Boolean({ description: 'Show a preview of the first URL in the body' })),
  },
  strict,
)

const Location = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(str(1000, { min: 0 })),
    address: Type.Optional(str(1000, { min: 0 })),
  },
  strict,
)

const typed = (max: number) => Type.Optional(Type.String({ maxLength: max }))
const ContactCard = Type.Object({
  name: Type.Object({
    formatted_name: str(1000),
    first_name: typed(1000),
    last_name: typed(1000),
    middle_name: typed(1000),
    prefix: typed(1000),
    suffix: typed(1000),
  }),
  org: Type.Optional(Type.Object({ company: typed(1000), department: typed(1000), title: typed(1000) })),
  phones: Type.Optional(
    Type.Array(Type.Object({ phone: typed(100), wa_id: typed(100), type: typed(50) }), { maxItems: 20 }),
  ),
  emails: Type.Optional(Type.Array(Type.Object({ email: typed(320), type: typed(50) }), { maxItems: 20 })),
  urls: Type.Optional(Type.Array(Type.Object({ url: typed(2000), type: typed(50) }), { maxItems: 20 })),
  addresses: Type.Optional(
    Type.Array(
      Type.Object({
        street: typed(1000),
        city: typed(1000),
        state: typed(1000),
        zip: typed(100),
        country: typed(1000),
        country_code: typed(10),
        type: typed(50),
      }),
      { maxItems: 20 },
    ),
  ),
  birthday: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
})

const InteractiveHeader = Type.Object(
  {
    type: Type.Union([
      Type.Literal('text'),
      Type.Literal('image'),
      Type.Literal('video'),
      Type.Literal('document'),
    ]),
    text: Type.Optional(str(60)),
    image: Type.Optional(HeaderMedia),
    video: Type.Optional(HeaderMedia),
    document: Type.Optional(HeaderMedia),
  },
  strict,
)

const ReplyButton = Type.Object(
  {
    type: Type.Literal('reply'),
    reply: Type.Object({ id: str(256), title: str(20) }, strict),
  },
  strict,
)

const ListSection = Type.Object(
  {
    title: Type.Optional(str(24)),
    rows: Type.Array(
      Type.Object({ id: str(200), title: str(24), description: Type.Optional(str(72, { min: 0 })) }, strict),
      { minItems: 1, maxItems: 10 },
    ),
  },
  strict,
)

const InteractiveAction = Type.Object({
  // button
  buttons: Type.Optional(Type.Array(ReplyButton, { minItems: 1, maxItems: 3 })),
  // list
  button: Type.Optional(str(20)),
  sections: Type.Optional(Type.Array(ListSection, { minItems: 1, maxItems: 10 })),
  // cta_url, flow, send_location…
  name: Type.Optional(str(100)),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  // product / product_list
  catalog_id: Type.Optional(str(100)),
  product_retailer_id: Type.Optional(str(100)),
})

export const interactiveTypes = [
  'button',
  'list',
  'cta_url',
  'flow',
  'location_request_message',
  'product',
  'product_list',
  'catalog_message',
  'address_message',
  'call_permission_request',
] as const

const Interactive = Type.Object(
  {
    type: Type.Union(interactiveTypes.map((t) => Type.Literal(t))),
    header: Type.Optional(InteractiveHeader),
    body: Type.Optional(Type.Object({ text: str(4096) }, strict)),
    footer: Type.Optional(Type.Object({ text: str(60) }, strict)),
    action: InteractiveAction,
  },
  strict,
)

const Reaction = Type.Object(
  {
    message_id: str(200, { description: 'wamid (or Wahub id) of the message reacted to' }),
    emoji: Type.String({ maxLength: 16, description: 'One emoji; "" removes the reaction' }),
  },
  strict,
)

export const parameterTypes = [
  'text',
  'currency',
  'date_time',
  'image',
  'video',
  'document',
  'location',
  'payload',
  'coupon_code',
  'action',
] as const

const TemplateParameter = Type.Object(
  {
    type: Type.Union(parameterTypes.map((t) => Type.Literal(t))),
    parameter_name: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{1,100}$' })),
    text: Type.Optional(Type.String({ maxLength: 32768 })),
    currency: Type.Optional(
      Type.Object(
        { fallback_value: str(1000), code: str(3, { min: 3 }), amount_1000: Type.Integer() },
        strict,
      ),
    ),
    date_time: Type.Optional(Type.Object({ fallback_value: str(1000) }, { additionalProperties: true })),
    image: Type.Optional(HeaderMedia),
    video: Type.Optional(HeaderMedia),
    document: Type.Optional(HeaderMedia),
    location: Type.Optional(Location),
    payload: Type.Optional(str(1000)),
    coupon_code: Type.Optional(str(15)),
    action: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
)

const TemplateComponent = Type.Object(
  {
    type: Type.String({ pattern: '^(header|body|button|HEADER|BODY|BUTTON)$' }),
    sub_type: Type.Optional(
      Type.String({
        pattern:
          '^(quick_reply|url|copy_code|flow|catalog|mpm|voice_call|QUICK_REPLY|URL|COPY_CODE|FLOW|CATALOG|MPM|VOICE_CALL)$',
      }),
    ),
    index: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 9 }), Type.String({ pattern: '^[0-9]$' })]),
    ),
    parameters: Type.Optional(Type.Array(TemplateParameter, { maxItems: 100 })),
  },
  strict,
)

const Template = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512, pattern: '^[a-z0-9_]+$' }),
    language: Type.Union([
      Type.String({ minLength: 2, maxLength: 20 }),
      Type.Object(
        {
          code: Type.String({ minLength: 2, maxLength: 20 }),
          policy: Type.Optional(Type.Literal('deterministic')),
        },
        strict,
      ),
    ]),
    components: Type.Optional(Type.Array(TemplateComponent, { maxItems: 20 })),
  },
  strict,
)

export const SendRequestSchema = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          "Meta's phone_number_id (or Wahub's number id) to send from; default: the tenant's default number",
      }),
    ),
    messaging_product: Type.Optional(
      Type.Literal('whatsapp', { description: "Accepted (and implied): Meta's own field" }),
    ),
    recipient_type: Type.Optional(
      Type.Literal('individual', { description: 'Accepted (and implied); groups are not supported' }),
    ),
    to: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        "Recipient: a phone number in any common format (normalised to Meta's digits-only form), or a business-scoped user id (US.…)",
    }),
    // Required, unlike Meta (which defaults to text): a body without `type` is more often a
    // mistake than a text, and guessing would send something the caller did not mean.
    type: Type.Union(
      [
        Type.Literal('text'),
        Type.Literal('template'),
        Type.Literal('image'),
        Type.Literal('audio'),
        Type.Literal('video'),
        Type.Literal('document'),
        Type.Literal('sticker'),
        Type.Literal('location'),
        Type.Literal('contacts'),
        Type.Literal('interactive'),
        Type.Literal('reaction'),
      ],
      { description: 'The message type (required)' },
    ),
    text: Type.Optional(Text),
    template: Type.Optional(Template),
    image: Type.Optional(captioned),
    audio: Type.Optional(bare),
    video: Type.Optional(captioned),
    document: Type.Optional(documentMedia),
    sticker: Type.Optional(bare),
    location: Type.Optional(Location),
    contacts: Type.Optional(Type.Array(ContactCard, { minItems: 1, maxItems: 20 })),
    interactive: Type.Optional(Interactive),
    reaction: Type.Optional(Reaction),
    context: Type.Optional(
      Type.Object(
        { message_id: str(200, { description: 'Reply to this message: its wamid or Wahub id' }) },
        strict,
      ),
    ),
    biz_opaque_callback_data: Type.Optional(
      Type.String({ maxLength: 512, description: "Echoed by Meta in this message's status webhooks" }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ to: '+34612345678', type: 'text', text: { body: 'Your order has shipped.' } }],
  },
)

export type SendRequest = Static<typeof SendRequestSchema>
export type TemplateRequest = NonNullable<SendRequest['template']>
export type TemplateComponentRequest = NonNullable<TemplateRequest['components']>[number]
export type TemplateParameterRequest = NonNullable<TemplateComponentRequest['parameters']>[number]
export type InteractiveRequest = NonNullable<SendRequest['interactive']>
export type MediaRefRequest = { id?: string; link?: string; caption?: string; filename?: string }

/** A schema's errors as `{ field, problem }` (dotted paths), for `validation_failed`. */
export type FieldProblem = { field: string; problem: string }

export function dotted(instancePath: string): string {
  return instancePath.replace(/^\//, '').replaceAll('/', '.')
}

export type { TSchema }
