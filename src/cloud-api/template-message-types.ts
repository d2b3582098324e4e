// A template inside `POST /{phone-number-id}/messages` (FACTS §2, OAS TemplateObject).
// Component types are lowercase when SENDING; template DEFINITIONS (template-types.ts) use uppercase.
import type { MediaRef } from './message-types.ts'
import type { OpenString } from './wire-common.ts'

export type TemplateMessage = {
  name: string
  /** `code` must be the exact approved language (en_US is not en). */
  language: { code: string; policy?: 'deterministic' }
  components?: TemplateSendComponent[]
}

/** Named templates (parameter_format NAMED) add `parameter_name` to each parameter. */
type Named = { parameter_name?: string }

export type TextParameter = Named & { type: 'text'; text: string }
/** The Cloud API always renders `fallback_value`. */
export type CurrencyParameter = Named & {
  type: 'currency'
  currency: { fallback_value: string; code: string; amount_1000: number }
}
export type DateTimeParameter = Named & { type: 'date_time'; date_time: { fallback_value: string } }
/** Header media: no captions; a document header is a PDF. */
export type ImageParameter = Named & { type: 'image'; image: MediaRef }
export type VideoParameter = Named & { type: 'video'; video: MediaRef }
export type DocumentParameter = Named & { type: 'document'; document: MediaRef & { filename?: string } }
export type LocationParameter = Named & {
  type: 'location'
  location: { latitude: number | string; longitude: number | string; name?: string; address?: string }
}

export type HeaderParameter =
  | TextParameter
  | ImageParameter
  | VideoParameter
  | DocumentParameter
  | LocationParameter
export type BodyParameter = TextParameter | CurrencyParameter | DateTimeParameter

export type ButtonParameter =
  | { type: 'payload'; payload: string }
  | { type: 'text'; text: string }
  | { type: 'coupon_code'; coupon_code: string }
  | {
      type: 'action'
      action: {
        flow_token?: string
        flow_action_data?: Record<string, unknown>
        thumbnail_product_retailer_id?: string
      }
    }

export type TemplateSendComponent =
  | { type: 'header'; parameters: HeaderParameter[] }
  | { type: 'body'; parameters: BodyParameter[] }
  | {
      type: 'button'
      /** OAS shows both "CATALOG" and lowercase values. */
      sub_type: OpenString<'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog' | 'CATALOG'>
      /** "0".."9"; a number in some OAS examples. */
      index: string | number
      parameters: ButtonParameter[]
    }
