import type { InboundMessage, MessageStatusUpdate, WebhookContact } from '../cloud-api/webhook-types.ts'
import type { WebhookError } from '../cloud-api/wire-common.ts'

// Flattens a webhook payload into the things to act on: every entry, every change, every
// message and status (Meta batches, SPEC §5). Works on `unknown`: any valid JSON yields a list
// (possibly of `malformed` items explaining what was wrong), never an exception. Unknown
// message types and fields pass through raw.

export type WebhookItem =
  | {
      kind: 'message'
      wabaId: string | null
      phoneNumberId: string
      displayPhoneNumber: string | null
      message: InboundMessage
      /** The sender's contact entry (matched by wa_id or user_id), if Meta sent one. */
      contact: WebhookContact | undefined
      /** Value-level errors delivered with the message (e.g. 131000 unsupported payload). */
      valueErrors: WebhookError[]
    }
  | { kind: 'status'; wabaId: string | null; phoneNumberId: string; status: MessageStatusUpdate }
  | { kind: 'value_errors'; wabaId: string | null; phoneNumberId: string; errors: WebhookError[] }
  | {
      kind: 'field'
      wabaId: string | null
      field: string
      time: number | null
      value: Record<string, unknown>
    }
  | { kind: 'malformed'; reason: string }

type Obj = Record<string, unknown>

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function findContact(contacts: unknown[], message: Obj): WebhookContact | undefined {
  const from = str(message.from)
  const fromUser = str(message.from_user_id)
  const candidates = contacts.filter(isObj) as WebhookContact[]
  return (
    candidates.find((c) => (from && c.wa_id === from) || (fromUser && c.user_id === fromUser)) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  )
}

export function parseWebhook(payload: unknown): WebhookItem[] {
  if (!isObj(payload)) return [{ kind: 'malformed', reason: 'the payload is not a JSON object' }]
  if (!Array.isArray(payload.entry)) return [{ kind: 'malformed', reason: 'the payload has no entry array' }]
  const items: WebhookItem[] = []
  payload.entry.forEach((entry, e) => {
    if (!isObj(entry)) {
      items.push({ kind: 'malformed', reason: `entry[${e}] is not an object` })
      return
    }
    const wabaId = str(entry.id)
    const time = typeof entry.time === 'number' ? entry.time : null
    arr(entry.changes).forEach((change, c) => {
      const where = `entry[${e}].changes[${c}]`
      if (!isObj(change) || !isObj(change.value)) {
        items.push({ kind: 'malformed', reason: `${where} has no value object` })
        return
      }
      const field = str(change.field) ?? 'unknown'
      const value = change.value
      if (field !== 'messages') {
        items.push({ kind: 'field', wabaId, field, time, value })
        return
      }
      const metadata = isObj(value.metadata) ? value.metadata : {}
      const phoneNumberId = str(metadata.phone_number_id)
      if (!phoneNumberId) {
        items.push({ kind: 'malformed', reason: `${where}.value.metadata.phone_number_id is missing` })
        return
      }
      const displayPhoneNumber = str(metadata.display_phone_number)
      const contacts = arr(value.contacts)
      const valueErrors = arr(value.errors).filter(isObj) as WebhookError[]
      const messages = arr(value.messages)
      messages.forEach((message, m) => {
        if (!isObj(message) || !str(message.id)) {
          items.push({ kind: 'malformed', reason: `${where}.value.messages[${m}] has no id` })
          return
        }
        items.push({
          kind: 'message',
          wabaId,
          phoneNumberId,
          displayPhoneNumber,
          // Scalars that reach columns are strings or absent, whatever a signed body holds.
          message: {
            ...message,
            id: str(message.id),
            from: str(message.from) ?? undefined,
            timestamp: str(message.timestamp) ?? undefined,
            type: str(message.type) ?? 'unknown',
          } as InboundMessage,
          contact: findContact(contacts, message),
          valueErrors,
        })
      })
      arr(value.statuses).forEach((status, s) => {
        if (!isObj(status) || !str(status.id) || !str(status.status)) {
          items.push({ kind: 'malformed', reason: `${where}.value.statuses[${s}] has no id or status` })
          return
        }
        const normalised = {
          ...status,
          id: str(status.id),
          status: str(status.status),
          timestamp: str(status.timestamp) ?? undefined,
          recipient_id: str(status.recipient_id) ?? undefined,
          recipient_user_id: str(status.recipient_user_id) ?? undefined,
          pricing: isObj(status.pricing) ? status.pricing : undefined,
          conversation: isObj(status.conversation) ? status.conversation : undefined,
          errors: Array.isArray(status.errors) ? status.errors.filter(isObj) : undefined,
        }
        items.push({ kind: 'status', wabaId, phoneNumberId, status: normalised as MessageStatusUpdate })
      })
      if (messages.length === 0 && valueErrors.length > 0) {
        items.push({ kind: 'value_errors', wabaId, phoneNumberId, errors: valueErrors })
      }
      // Other arrays under `messages` (message_echoes, user_preferences…) are kept as a field.
      for (const key of Object.keys(value)) {
        if (['messaging_product', 'metadata', 'contacts', 'messages', 'statuses', 'errors'].includes(key))
          continue
        items.push({ kind: 'field', wabaId, field: `messages.${key}`, time, value })
        break
      }
    })
  })
  return items
}
