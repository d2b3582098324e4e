import { Type } from 'typebox'
import { LabelSchema } from './label.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// A conversation as the API shows it (inbox/conversations-query.ts builds the view).

export const ConversationStatusSchema = Type.Union(
  [Type.Literal('open'), Type.Literal('pending'), Type.Literal('resolved')],
  { description: 'open; pending = waiting on the customer; resolved. A customer message reopens.' },
)

export const ConversationSchema = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  numberId: Type.String({ description: "Wahub's id of the business number" }),
  phoneNumberId: Type.String({ description: "Meta's phone_number_id" }),
  displayPhoneNumber: Nullable(Type.String()),
  contact: Type.Object({
    id: Type.String(),
    waId: Nullable(Type.String()),
    userId: Nullable(Type.String({ description: 'Business-scoped user id (username users)' })),
    name: Nullable(Type.String()),
  }),
  status: ConversationStatusSchema,
  assigneeUserId: Nullable(Type.String()),
  unreadCount: Type.Integer(),
  lastMessageAt: Nullable(Millis),
  lastMessagePreview: Nullable(Type.String()),
  lastInboundAt: Nullable(Millis),
  window: Type.Object({
    open: Type.Boolean({ description: 'Free-form messages allowed (24 h since the last inbound message)' }),
    closesAt: Nullable(Millis),
  }),
  labels: Type.Array(LabelSchema),
})
