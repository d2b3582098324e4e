import { Type } from 'typebox'
import type { Conversation } from '../../inbox/conversations-query.ts'
import { LabelSchema } from './label.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// Every field of a conversation that leaves the API (the inbox list, one conversation, the
// dashboard): a schema (OpenAPI; fast-json-stringify drops anything else) and a function picking
// exactly those fields.

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
  numberInTenant: Type.Boolean({
    description:
      'False once the business number was moved to another tenant or unassigned: the conversation stays readable but nothing can be sent from it',
  }),
  match: Type.Optional(
    Type.Object(
      {
        messageId: Nullable(
          Type.String({ description: 'The newest matching message; null when the contact matched' }),
        ),
        snippet: Type.Array(
          Type.Object({
            text: Type.String({ description: 'Plain text: render it as text, never as HTML' }),
            hit: Type.Boolean({ description: 'A searched word (highlight it)' }),
          }),
          { description: 'Up to 120 characters around the first hit, cut into plain and hit parts' },
        ),
      },
      { description: 'With `q`: why the conversation was found' },
    ),
  ),
})

export type ConversationView = ReturnType<typeof presentConversation>

export function presentConversation(c: Conversation) {
  return {
    id: c.id,
    tenantId: c.tenantId,
    numberId: c.numberId,
    phoneNumberId: c.phoneNumberId,
    displayPhoneNumber: c.displayPhoneNumber,
    contact: { id: c.contact.id, waId: c.contact.waId, userId: c.contact.userId, name: c.contact.name },
    status: c.status,
    assigneeUserId: c.assigneeUserId,
    unreadCount: c.unreadCount,
    lastMessageAt: c.lastMessageAt,
    lastMessagePreview: c.lastMessagePreview,
    lastInboundAt: c.lastInboundAt,
    window: { open: c.window.open, closesAt: c.window.closesAt },
    labels: c.labels.map((l) => ({ id: l.id, name: l.name, color: l.color })),
    numberInTenant: c.numberInTenant,
    ...(c.match
      ? {
          match: {
            messageId: c.match.messageId,
            snippet: c.match.snippet.map((p) => ({ text: p.text, hit: p.hit })),
          },
        }
      : {}),
  }
}
