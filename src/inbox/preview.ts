import type { InboundMessage } from '../cloud-api/webhook-types.ts'

// A one-line summary of a message for conversation lists and notifications.

type Obj = Record<string, unknown>
const get = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value ? (value as Obj)[key] : undefined
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

export function previewOf(message: InboundMessage | Obj): string {
  const m = message as Obj
  const type = String(m.type ?? 'unknown')
  const body = m[type]
  const line = ((): string => {
    switch (type) {
      case 'text':
        return text(get(body, 'body')) ?? ''
      case 'image':
      case 'video':
      case 'document':
      case 'audio':
      case 'sticker': {
        const label = type === 'audio' && get(body, 'voice') ? 'voice message' : type
        return `[${label}] ${text(get(body, 'caption')) ?? text(get(body, 'filename')) ?? ''}`.trim()
      }
      case 'location':
        return `[location] ${text(get(body, 'name')) ?? text(get(body, 'address')) ?? `${get(body, 'latitude')}, ${get(body, 'longitude')}`}`
      case 'contacts': {
        const first = Array.isArray(m.contacts) ? (m.contacts[0] as Obj | undefined) : undefined
        return `[contact] ${text(get(get(first, 'name'), 'formatted_name')) ?? ''}`.trim()
      }
      case 'interactive': {
        const kind = text(get(body, 'type')) ?? ''
        const reply = get(body, kind)
        return text(get(reply, 'title')) ?? text(get(reply, 'body')) ?? `[${kind || 'interactive'}]`
      }
      case 'button':
        return text(get(body, 'text')) ?? text(get(body, 'payload')) ?? '[button]'
      case 'reaction':
        return text(get(body, 'emoji')) ?? '[reaction removed]'
      case 'order':
        return `[order] ${Array.isArray(get(body, 'product_items')) ? (get(body, 'product_items') as unknown[]).length : 0} items`
      case 'system':
        return text(get(body, 'body')) ?? '[system]'
      case 'template':
        return `[template] ${text(get(body, 'name')) ?? ''}`.trim()
      default:
        return `[${type}]`
    }
  })()
  return line.length > 160 ? `${line.slice(0, 157)}...` : line
}
