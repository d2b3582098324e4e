import { Type } from 'typebox'
import type { ContactPanel } from '../../inbox/contact-panel.ts'
import { Millis, Nullable } from './schema-helpers.ts'

// The contact panel as the API shows it.

export const ContactSchema = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  name: Nullable(Type.String({ description: "The team's name for the contact (overrides profileName)" })),
  profileName: Nullable(Type.String({ description: "The name on the customer's WhatsApp profile" })),
  waId: Nullable(Type.String()),
  userId: Nullable(Type.String({ description: 'Business-scoped user id (username users)' })),
  attributes: Type.Record(Type.String(), Type.String()),
  blockedAt: Nullable(Millis),
  numberHistory: Type.Array(Type.Object({ oldWaId: Type.String(), newWaId: Type.String(), at: Millis })),
  conversations: Type.Array(
    Type.Object({
      id: Type.String(),
      numberId: Type.String(),
      displayPhoneNumber: Nullable(Type.String()),
      status: Type.String(),
      assigneeUserId: Nullable(Type.String()),
      lastMessageAt: Nullable(Millis),
      lastMessagePreview: Nullable(Type.String()),
    }),
  ),
})

export const BlockResultSchema = Type.Object({
  numberId: Type.String(),
  phoneNumberId: Type.String(),
  ok: Type.Boolean(),
  error: Nullable(Type.String({ description: "Meta's reason when it refused on this number" })),
})

export function presentContact(c: ContactPanel) {
  return {
    ...c,
    numberHistory: c.numberHistory.map((h) => ({ ...h })),
    conversations: c.conversations.map((x) => ({ ...x })),
  }
}
