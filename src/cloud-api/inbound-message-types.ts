// One inbound message, `value.messages[i]` of the `messages` webhook field (FACTS §1.2–1.5).
// Every documented-optional field is optional (FACTS §7: parse defensively).
import type { ContactCard, OpenString, WebhookError } from './wire-common.ts'

/** FACTS §1.4. A reply or tap has `from`/`id`; a forward only the flags. */
export type InboundContext = {
  /** The business display number of the message replied to or tapped. */
  from?: string
  id?: string
  forwarded?: boolean
  frequently_forwarded?: boolean
  /** "Message business" on a product. */
  referred_product?: { catalog_id: string; product_retailer_id: string }
}

/** Click-to-WhatsApp ad or post that started the chat (FACTS §1.5). */
export type Referral = {
  source_url?: string
  source_id?: string
  source_type?: OpenString<'ad' | 'post'>
  body?: string
  headline?: string
  media_type?: OpenString<'image' | 'video'>
  image_url?: string
  video_url?: string
  thumbnail_url?: string
  /** Omitted for WhatsApp Status ad placements. */
  ctwa_clid?: string
  welcome_message?: { text: string }
}

type InboundBase = {
  /** Sender phone; may be omitted for username (BSUID-only) users since 2026 (FACTS §1.2). */
  from?: string
  /** Business-scoped user id (BSUID), 2026+. */
  from_user_id?: string
  from_parent_user_id?: string
  id: string
  /** Unix seconds as a STRING (FACTS §1.2). */
  timestamp: string
  context?: InboundContext
  referral?: Referral
  /** Only for group messages. */
  group_id?: string
  /** Message-level errors, e.g. on `unsupported` (FACTS §1.3). */
  errors?: WebhookError[]
}

/** Media in an inbound message. `url` is a direct download URL, rolled out from 2025-11-12. */
export type InboundMedia = { id: string; mime_type: string; sha256: string; url?: string; caption?: string }

export type InboundText = InboundBase & { type: 'text'; text: { body: string } }
export type InboundImage = InboundBase & { type: 'image'; image: InboundMedia }
/** `voice: true` for a recorded voice note (OAS AudioMessage). */
export type InboundAudio = InboundBase & { type: 'audio'; audio: InboundMedia & { voice?: boolean } }
export type InboundVideo = InboundBase & { type: 'video'; video: InboundMedia }
export type InboundDocument = InboundBase & {
  type: 'document'
  document: InboundMedia & { filename?: string }
}
export type InboundSticker = InboundBase & { type: 'sticker'; sticker: InboundMedia & { animated?: boolean } }
/** A shared "current location" carries only latitude/longitude (PYWA fixture). */
export type InboundLocation = InboundBase & {
  type: 'location'
  location: { latitude: number; longitude: number; name?: string; address?: string; url?: string }
}
export type InboundContacts = InboundBase & { type: 'contacts'; contacts: ContactCard[] }

export type ButtonReply = { type: 'button_reply'; button_reply: { id: string; title: string } }
export type ListReply = {
  type: 'list_reply'
  list_reply: { id: string; title: string; description?: string }
}
/** Flow completion: `response_json` is a JSON STRING (with `flow_token` if one was sent). M-FLOWRESP. */
export type NfmReply = {
  type: 'nfm_reply'
  nfm_reply: { name?: OpenString<'flow' | 'address_message'>; body?: string; response_json: string }
}
/** Calling permission answers and whatever Meta adds next. */
export type OtherInteractiveReply = { type: OpenString<'call_permission_reply'>; [field: string]: unknown }
export type InboundInteractive = InboundBase & {
  type: 'interactive'
  /** Absent when Meta could not decode it (then value.errors carries 131000, FACTS §1.3). */
  interactive?: ButtonReply | ListReply | NfmReply | OtherInteractiveReply
}

/** Quick-reply tap on a TEMPLATE button; `context` is normally present (FACTS §1.3). */
export type InboundButton = InboundBase & { type: 'button'; button: { payload: string; text: string } }

/** On removal the emoji is omitted (M-REACT), or "" in older payloads. */
export type InboundReaction = InboundBase & {
  type: 'reaction'
  reaction: { message_id: string; emoji?: string }
}

export type InboundOrder = InboundBase & {
  type: 'order'
  order: {
    catalog_id: string
    text?: string
    product_items: { product_retailer_id: string; quantity: number; item_price: number; currency: string }[]
  }
}

/** Number or identity change. NO `contacts[]` in the value (M-SYSTEM). */
export type InboundSystem = InboundBase & {
  type: 'system'
  system: {
    body?: string
    type?: OpenString<
      'user_changed_number' | 'user_changed_user_id' | 'customer_changed_number' | 'customer_identity_changed'
    >
    /** The NEW wa_id on user_changed_number. */
    wa_id?: string
    /** Deprecated spelling of the new wa_id (customer_changed_number). */
    new_wa_id?: string
    user_id?: string
    previous_user_id?: string
    previous_parent_user_id?: string
  }
  /** Legacy customer_identity_changed (PYWA fixture). */
  identity?: { acknowledged?: boolean; created_timestamp?: string; hash?: string }
}

/** A type the Cloud API cannot show; OAS maps "unknown" to the same schema. */
export type InboundUnsupported = InboundBase & {
  type: 'unsupported' | 'unknown'
  unsupported?: { type?: string }
}

/** Coexistence numbers only (M-REVOKE). */
export type InboundRevoke = InboundBase & { type: 'revoke'; revoke: { original_message_id: string } }
/** Coexistence numbers only (PYWA fixture). */
export type InboundEdit = InboundBase & {
  type: 'edit'
  edit: { original_message_id: string; message?: { type: string; [field: string]: unknown } }
}
/** The user opened the chat for the first time; no body (WAJS). */
export type InboundRequestWelcome = InboundBase & { type: 'request_welcome' }

export type KnownInboundMessage =
  | InboundText
  | InboundImage
  | InboundAudio
  | InboundVideo
  | InboundDocument
  | InboundSticker
  | InboundLocation
  | InboundContacts
  | InboundInteractive
  | InboundButton
  | InboundReaction
  | InboundOrder
  | InboundSystem
  | InboundUnsupported
  | InboundRevoke
  | InboundEdit
  | InboundRequestWelcome

export type KnownInboundType = KnownInboundMessage['type']

/** A type Meta added after this file was written: stored raw, never a crash (SPEC §5). */
export type OtherInboundMessage = InboundBase & { type: string & {}; [field: string]: unknown }

export type InboundMessage = KnownInboundMessage | OtherInboundMessage

export const knownInboundTypes = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
  'unknown',
  'revoke',
  'edit',
  'request_welcome',
] as const satisfies readonly KnownInboundType[]

// A union with an open `type` does not narrow on `msg.type === 'text'`; this guard does.
export function isKnownInboundMessage(message: InboundMessage): message is KnownInboundMessage {
  return (knownInboundTypes as readonly string[]).includes(message.type)
}
