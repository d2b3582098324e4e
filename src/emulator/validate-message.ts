import type { EmulatorContext } from './context.ts'
import { invalidParam } from './graph-errors.ts'
import type { MediaKind } from './media-store.ts'
import type { JsonObject } from './types.ts'
import {
  fieldPath,
  isObject,
  oneOf,
  optionalBoolean,
  optionalString,
  requireArray,
  requireCoordinate,
  requireObject,
  requireString,
} from './validate-helpers.ts'
import { validateInteractive } from './validate-interactive.ts'
import { validateMediaObject } from './validate-media.ts'

// Shape checks of POST /{phone-number-id}/messages (FACTS §2), before any state is consulted
// beyond media ids: every failure is Meta's 100 naming the field.

export const messageTypes = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'reaction',
  'template',
] as const
export type MessageType = (typeof messageTypes)[number]

export type ValidatedSend = {
  type: MessageType
  /** Phone recipient as given (`to`), or undefined when sending to a BSUID only. */
  to: string | undefined
  /** Business-scoped user id recipient (2026+). */
  recipient: string | undefined
  bizOpaqueCallbackData: string | undefined
  body: JsonObject
}

const bsuidPattern = /^[A-Z]{2}\.[A-Za-z0-9.]{4,}$/

export function validateContacts(value: unknown): void {
  const contacts = requireArray(value, 'contacts')
  if (contacts.length < 1) throw invalidParam('Param contacts must contain at least one contact.')
  contacts.forEach((c, n) => {
    const contact = requireObject(c, fieldPath('contacts', n))
    const name = requireObject(contact.name, fieldPath('contacts', n, 'name'))
    requireString(name.formatted_name, fieldPath('contacts', n, 'name', 'formatted_name'))
    if (contact.phones !== undefined) {
      requireArray(contact.phones, fieldPath('contacts', n, 'phones')).forEach((ph, m) => {
        const phone = requireObject(ph, fieldPath('contacts', n, 'phones', m))
        optionalString(phone.phone, fieldPath('contacts', n, 'phones', m, 'phone'))
      })
    }
  })
}

function validateByType(ctx: EmulatorContext, type: MessageType, body: JsonObject): void {
  switch (type) {
    case 'text': {
      const text = requireObject(body.text, 'text')
      requireString(text.body, fieldPath('text', 'body'), { max: 4096 })
      optionalBoolean(text.preview_url, fieldPath('text', 'preview_url'))
      return
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      validateMediaObject(ctx, type as MediaKind, body[type], type, [], true)
      return
    case 'location': {
      const loc = requireObject(body.location, 'location')
      requireCoordinate(loc.latitude, fieldPath('location', 'latitude'), 90)
      requireCoordinate(loc.longitude, fieldPath('location', 'longitude'), 180)
      optionalString(loc.name, fieldPath('location', 'name'), { min: 0, max: 1000 })
      optionalString(loc.address, fieldPath('location', 'address'), { min: 0, max: 1000 })
      return
    }
    case 'contacts':
      validateContacts(body.contacts)
      return
    case 'interactive':
      validateInteractive(ctx, body.interactive)
      return
    case 'reaction': {
      const reaction = requireObject(body.reaction, 'reaction')
      requireString(reaction.message_id, fieldPath('reaction', 'message_id'))
      // An empty emoji removes the reaction (widely used, FACTS §2).
      optionalString(reaction.emoji, fieldPath('reaction', 'emoji'), { min: 0, max: 16 })
      if (reaction.emoji === undefined) throw invalidParam("The parameter reaction['emoji'] is required.")
      return
    }
    case 'template':
      // Matched against the stored template by checkTemplateSend (132xxx errors).
      requireObject(body.template, 'template')
      return
  }
}

export function validateSend(ctx: EmulatorContext, input: unknown): ValidatedSend {
  if (!isObject(input)) throw invalidParam('The request body must be a JSON object.')
  if (input.messaging_product === undefined)
    throw invalidParam('The parameter messaging_product is required.')
  oneOf(input.messaging_product, 'messaging_product', ['whatsapp'])
  if (input.recipient_type !== undefined) {
    const rt = oneOf(input.recipient_type, 'recipient_type', ['individual', 'group'])
    if (rt === 'group') throw invalidParam('Param recipient_type group: the Groups API is not emulated.')
  }
  let to: string | undefined
  if (input.to !== undefined) {
    to = requireString(input.to, 'to', { max: 40 })
    const digits = to.replace(/\D/g, '')
    if (!/^\+?[\d\s().-]+$/.test(to) || digits.length < 7 || digits.length > 15) {
      throw invalidParam(`Param to must be a valid phone number (got "${to}").`)
    }
  }
  let recipient: string | undefined
  if (input.recipient !== undefined) {
    recipient = requireString(input.recipient, 'recipient', { max: 100 })
    if (!bsuidPattern.test(recipient))
      throw invalidParam('Param recipient must be a business-scoped user id.')
  }
  if (to === undefined && recipient === undefined) throw invalidParam('The parameter to is required.')
  // Meta defaults the type to text when it is omitted.
  const type = input.type === undefined ? 'text' : oneOf(input.type, 'type', messageTypes)
  if (input.context !== undefined) {
    const context = requireObject(input.context, 'context')
    requireString(context.message_id, fieldPath('context', 'message_id'))
  }
  const bizOpaqueCallbackData = optionalString(input.biz_opaque_callback_data, 'biz_opaque_callback_data', {
    min: 0,
    max: 512,
  })
  validateByType(ctx, type, input)
  return { type, to, recipient, bizOpaqueCallbackData, body: input }
}
