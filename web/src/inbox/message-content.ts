import i18next from 'i18next'
import type { Message } from '../api-types.ts'

// Reading a message's `content` (Meta's message object, as received or as sent) safely, and the
// one-line summary of a message (reply quotes), in the chosen language.

export type Obj = Record<string, unknown>
export const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
export const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])

const tr = (key: string, values?: Record<string, unknown>) => i18next.t(`inbox:message.${key}`, values ?? {})

/** A one-line summary of a message (reply quotes). */
export function summary(m: Message): string {
  const c = obj(m.content)
  const type = m.type
  const typed = obj(c[type])
  switch (type) {
    case 'text':
      return str(typed.body)
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return `${labelOf(type)}${typed.caption ? `: ${str(typed.caption)}` : typed.filename ? `: ${str(typed.filename)}` : ''}`
    case 'location':
      return `📍 ${str(typed.name) || tr('location')}`
    case 'contacts':
      return `👤 ${
        list(c.contacts)
          .map((x) => str(obj(x.name).formatted_name))
          .join(', ') || tr('contact')
      }`
    case 'interactive':
      return interactiveTitle(typed) || tr('interactive')
    case 'button':
      return str(typed.text)
    case 'template':
      return tr('templateNamed', { name: str(typed.name) })
    default:
      return type
  }
}

const icons: Record<string, string> = {
  image: '📷 ',
  video: '🎬 ',
  audio: '🎤 ',
  document: '📄 ',
  sticker: '',
}

/** "📷 Photo", "📄 Document"… for a media type. */
export function labelOf(type: string): string {
  return type in icons ? `${icons[type]}${tr(`kind.${type}`)}` : type
}

/** The media type's name alone ("Photo"). */
export function kindName(type: string): string {
  return type in icons ? tr(`kind.${type}`) : type
}

function interactiveTitle(i: Obj): string {
  const kind = str(i.type)
  if (kind === 'button_reply') return str(obj(i.button_reply).title)
  if (kind === 'list_reply') return str(obj(i.list_reply).title)
  if (kind === 'nfm_reply') return str(obj(i.nfm_reply).name) || tr('formReply')
  return str(obj(i.body).text)
}
