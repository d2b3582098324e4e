// Template DEFINITIONS: `GET|POST|DELETE /{waba-id}/message_templates` (FACTS §6, OAS).
// Uppercase component types here; sending uses lowercase (template-message-types.ts).
import type { OpenString } from './wire-common.ts'

export type TemplateCategory = OpenString<'MARKETING' | 'UTILITY' | 'AUTHENTICATION'>
export type TemplateStatus = OpenString<
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'ARCHIVED'
  | 'DELETED'
  | 'PENDING_DELETION'
  | 'LIMIT_EXCEEDED'
>

export type TemplateHeaderComponent = {
  type: 'HEADER'
  format: OpenString<'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION'>
  text?: string
  /** TEXT: header_text; media: header_handle (Resumable Upload handle); LOCATION: none. */
  example?: {
    header_text?: string[]
    header_text_named_params?: { param_name: string; example: string }[]
    header_handle?: string[]
  }
}

export type TemplateBodyComponent = {
  type: 'BODY'
  /** Absent on AUTHENTICATION templates. */
  text?: string
  example?: { body_text?: string[][]; body_text_named_params?: { param_name: string; example: string }[] }
  /** AUTHENTICATION only. */
  add_security_recommendation?: boolean
}

export type TemplateFooterComponent = {
  type: 'FOOTER'
  text?: string
  /** AUTHENTICATION only. */
  code_expiration_minutes?: number
}

export type TemplateButton =
  | { type: 'QUICK_REPLY'; text: string }
  | { type: 'URL'; text: string; url: string; example?: string[] }
  | { type: 'PHONE_NUMBER'; text: string; phone_number: string }
  | { type: 'COPY_CODE'; example: string; text?: string }
  | {
      type: 'FLOW'
      text: string
      flow_id?: string
      flow_name?: string
      flow_action?: OpenString<'navigate' | 'data_exchange'>
      navigate_screen?: string
    }
  | { type: 'OTP'; otp_type: OpenString<'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP'>; text?: string }
  | { type: OpenString<'CATALOG' | 'MPM' | 'VOICE_CALL'>; text?: string; [field: string]: unknown }

export type TemplateButtonsComponent = { type: 'BUTTONS'; buttons: TemplateButton[] }

export type TemplateComponent =
  | TemplateHeaderComponent
  | TemplateBodyComponent
  | TemplateFooterComponent
  | TemplateButtonsComponent

/** One item of `GET /{waba-id}/message_templates`. */
export type MessageTemplate = {
  id: string
  name: string
  /** e.g. en_US */
  language: string
  status: TemplateStatus
  category: TemplateCategory
  components: TemplateComponent[]
  parameter_format?: OpenString<'POSITIONAL' | 'NAMED'>
  previous_category?: string
  quality_score?: { score: OpenString<'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'>; date?: number }
  rejected_reason?: string
}

export type CreateTemplateRequest = {
  name: string
  language: string
  category: TemplateCategory
  parameter_format?: OpenString<'POSITIONAL' | 'NAMED'>
  components: TemplateComponent[]
}

/** POST /{template-id}: Meta edits components and (not when APPROVED) the category. */
export type EditTemplateRequest = { components?: TemplateComponent[]; category?: TemplateCategory }

export type CreateTemplateResponse = { id: string; status: TemplateStatus; category: TemplateCategory }

export type ListTemplatesQuery = { name?: string; status?: TemplateStatus }
