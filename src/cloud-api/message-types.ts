// Bodies of `POST /{phone-number-id}/messages` and its answer (FACTS §2). Template bodies are in
// template-message-types.ts.
import type { TemplateMessage } from './template-message-types.ts'
import type { ContactCard, OpenString } from './wire-common.ts'

export type * from './template-message-types.ts'

/** Uploaded media id OR a public https link, never both. */
export type MediaRef = { id: string; link?: never } | { link: string; id?: never }

type OutboundBase = {
  messaging_product: 'whatsapp'
  /** "group" sends to a group id in `to`. */
  recipient_type?: 'individual' | 'group'
  /** Phone digits, country code first, `+` optional. */
  to?: string
  /** Business-scoped user id (2026+), instead of or in addition to `to`. */
  recipient?: string
  /** Reply to / quote a message. */
  context?: { message_id: string }
  /** Echoed in status webhooks. */
  biz_opaque_callback_data?: string
}

/** Body max 4096. */
export type OutboundText = OutboundBase & { type: 'text'; text: { body: string; preview_url?: boolean } }
/** Caption max 1024; not for audio or sticker. */
export type OutboundImage = OutboundBase & { type: 'image'; image: MediaRef & { caption?: string } }
export type OutboundAudio = OutboundBase & { type: 'audio'; audio: MediaRef }
export type OutboundVideo = OutboundBase & { type: 'video'; video: MediaRef & { caption?: string } }
export type OutboundDocument = OutboundBase & {
  type: 'document'
  document: MediaRef & { caption?: string; filename?: string }
}
export type OutboundSticker = OutboundBase & { type: 'sticker'; sticker: MediaRef }
export type OutboundLocation = OutboundBase & {
  type: 'location'
  location: { latitude: number; longitude: number; name?: string; address?: string }
}
/** `name.formatted_name` is required when sending. */
export type OutboundContacts = OutboundBase & {
  type: 'contacts'
  contacts: (ContactCard & { name: { formatted_name: string } })[]
}
/** `emoji: ""` removes the reaction; only a `sent` status ever follows (M-REACT). */
export type OutboundReaction = OutboundBase & {
  type: 'reaction'
  reaction: { message_id: string; emoji: string }
}
export type OutboundTemplate = OutboundBase & { type: 'template'; template: TemplateMessage }
export type OutboundInteractive = OutboundBase & { type: 'interactive'; interactive: Interactive }

/** Text max 60; media headers by id or link. */
export type InteractiveHeader =
  | { type: 'text'; text: string }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'document'; document: MediaRef }

type InteractiveBase = {
  header?: InteractiveHeader
  /** Max 1024. */
  body?: { text: string }
  /** Max 60. */
  footer?: { text: string }
}

/** 1–3 reply buttons; title ≤20, id ≤256. */
export type InteractiveButtons = InteractiveBase & {
  type: 'button'
  body: { text: string }
  action: { buttons: { type: 'reply'; reply: { id: string; title: string } }[] }
}

/** Button label ≤20; ≤10 sections, ≤10 rows in total; row id ≤200, title ≤24, description ≤72. */
export type InteractiveList = InteractiveBase & {
  type: 'list'
  body: { text: string }
  action: {
    button: string
    sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[]
  }
}

/** M-CTA; display_text ≤20. */
export type InteractiveCtaUrl = InteractiveBase & {
  type: 'cta_url'
  body: { text: string }
  action: { name: 'cta_url'; parameters: { display_text: string; url: string } }
}

export type InteractiveFlow = InteractiveBase & {
  type: 'flow'
  body: { text: string }
  action: {
    name: 'flow'
    parameters: {
      flow_message_version: string
      flow_id?: string
      flow_name?: string
      flow_cta: string
      flow_token?: string
      mode?: OpenString<'published' | 'draft'>
      flow_action?: OpenString<'navigate' | 'data_exchange'>
      flow_action_payload?: { screen: string; data?: Record<string, unknown> }
    }
  }
}

/** product, product_list, catalog_message, location_request_message, call_permission_request, … */
export type InteractiveOther = InteractiveBase & {
  type: OpenString<
    | 'product'
    | 'product_list'
    | 'catalog_message'
    | 'location_request_message'
    | 'call_permission_request'
    | 'address_message'
  >
  action?: Record<string, unknown>
}

export type Interactive =
  | InteractiveButtons
  | InteractiveList
  | InteractiveCtaUrl
  | InteractiveFlow
  | InteractiveOther

export type OutboundMessage =
  | OutboundText
  | OutboundImage
  | OutboundAudio
  | OutboundVideo
  | OutboundDocument
  | OutboundSticker
  | OutboundLocation
  | OutboundContacts
  | OutboundReaction
  | OutboundTemplate
  | OutboundInteractive

export type OutboundType = OutboundMessage['type']

/** Mark as read, optionally with a typing indicator (dismissed on reply or after 25 s). M-TYPING. */
export type MarkReadRequest = {
  messaging_product: 'whatsapp'
  status: 'read'
  message_id: string
  typing_indicator?: { type: 'text' }
}

/** 200 means accepted, not delivered (FACTS §2). */
export type SendMessageResponse = {
  messaging_product: 'whatsapp'
  /** `user_id` when sent to a BSUID; `wa_id` may then be absent. */
  contacts: { input: string; wa_id?: string; user_id?: string }[]
  messages: {
    id: string
    message_status?: OpenString<'accepted' | 'held_for_quality_assessment' | 'paused'>
  }[]
}
