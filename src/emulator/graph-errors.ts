import { explainMetaError } from '../cloud-api/error-catalogue.ts'
import type { WebhookError } from '../cloud-api/wire-common.ts'
import { newFbtraceId } from './ids.ts'

// Meta's error envelope (FACTS §3.1). Titles and HTTP statuses come from the shared catalogue
// so the emulator and Wahub's explanations never disagree; `details` is the situation-specific
// text Meta puts in error_data.details (Meta says to key logic on code + details).

export type GraphErrorOptions = {
  subcode?: number
  /** Replaces "(#code) <title>" when Meta words the message differently (190's variants). */
  message?: string
  type?: string
  httpStatus?: number
  isTransient?: boolean
}

export class GraphError extends Error {
  readonly code: number
  readonly details: string | undefined
  readonly subcode: number | undefined
  readonly type: string
  readonly httpStatus: number
  readonly title: string
  readonly isTransient: boolean

  constructor(code: number, details?: string, options: GraphErrorOptions = {}) {
    const info = explainMetaError(code, options.subcode)
    super(options.message ?? `(#${code}) ${info.title}`)
    this.name = 'GraphError'
    this.code = code
    this.details = details
    this.subcode = options.subcode
    this.type = options.type ?? 'OAuthException'
    this.httpStatus = options.httpStatus ?? info.httpStatus
    this.title = info.title
    this.isTransient = options.isTransient ?? false
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { message: this.message, type: this.type, code: this.code }
    if (this.details !== undefined)
      error.error_data = { messaging_product: 'whatsapp', details: this.details }
    if (this.subcode !== undefined) error.error_subcode = this.subcode
    if (this.isTransient) error.is_transient = true
    error.fbtrace_id = newFbtraceId()
    return { error }
  }
}

/** 100 naming the field, the answer to any bad or missing parameter. */
export function invalidParam(details: string): GraphError {
  return new GraphError(100, details)
}

/** Meta's answer for an id that does not exist or the token cannot see (subcode 33). */
export function unknownObject(method: string, id: string): GraphError {
  const verb = method.toLowerCase()
  return new GraphError(100, undefined, {
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${verb} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  })
}

/** The webhook form of an error (status `failed`, FACTS §1.6): no type, no fbtrace. */
export function webhookError(code: number, details: string): WebhookError {
  const { title } = explainMetaError(code)
  return {
    code,
    title,
    message: title,
    error_data: { details },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  }
}
