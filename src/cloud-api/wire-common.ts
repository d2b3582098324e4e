// Wire shapes shared by webhooks, sends and management calls. Field names are Meta's, exactly.

/**
 * A string Meta documents a set of values for, and adds to over time (FACTS §7: "type strings may
 * be new"). The known values autocomplete; any other string still type-checks.
 */
export type OpenString<Known extends string> = Known | (string & {})

/** Error object inside webhooks: statuses[].errors, messages[].errors, value.errors (FACTS §3.1). */
export type WebhookError = {
  code: number
  title: string
  message?: string
  error_data?: { details: string }
  href?: string
}

/** Body of a failed Graph call (FACTS §3.1, M-ERR; extras from OAS examples). */
export type GraphErrorBody = {
  error: {
    /** "(#<code>) <title>" */
    message: string
    type?: OpenString<'OAuthException' | 'GraphMethodException'>
    code: number
    error_subcode?: number
    error_data?: { messaging_product?: 'whatsapp'; details?: string }
    fbtrace_id?: string
    is_transient?: boolean
    error_user_title?: string
    error_user_msg?: string
  }
}

/** `{ "success": true }`: register, deregister, mark-as-read, overrides, deletes, profile update. */
export type SuccessResponse = { success: boolean }

/** A contact card, same shape inbound and outbound (OAS ContactObject; any sub-field may be missing). */
export type ContactCard = {
  name?: {
    formatted_name?: string
    first_name?: string
    last_name?: string
    middle_name?: string
    prefix?: string
    suffix?: string
  }
  org?: { company?: string; department?: string; title?: string }
  phones?: {
    phone?: string
    wa_id?: string
    type?: OpenString<'CELL' | 'MAIN' | 'IPHONE' | 'HOME' | 'WORK'>
  }[]
  emails?: { email?: string; type?: OpenString<'HOME' | 'WORK'> }[]
  urls?: { url?: string; type?: OpenString<'HOME' | 'WORK'> }[]
  addresses?: {
    street?: string
    city?: string
    state?: string
    zip?: string
    country?: string
    country_code?: string
    type?: OpenString<'HOME' | 'WORK'>
  }[]
  /** YYYY-MM-DD */
  birthday?: string
}

/** Cursor paging on Graph lists (OAS). `next` is a full URL when there is a next page. */
export type GraphPaging = {
  cursors?: { before?: string; after?: string }
  next?: string
  previous?: string
}

export type GraphList<T> = { data: T[]; paging?: GraphPaging }
