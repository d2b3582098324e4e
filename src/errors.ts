// Wahub's own error codes. Each is defined once, with its HTTP status and the fix a person
// should apply; responses are `{ error: { code, message, fix, details } }`. docs/errors.md is
// kept in step with this table by a test. Meta's codes are explained only by
// cloud-api/error-catalogue.ts.

export type ErrorDefinition = { status: number; fix: string }

export const errorDefinitions = {
  bad_request: { status: 400, fix: 'Correct the request as the message says and send it again.' },
  validation_failed: {
    status: 400,
    fix: 'Correct the fields listed in details (see the OpenAPI description at /docs).',
  },
  invalid_json: { status: 400, fix: 'Send a valid JSON body with Content-Type: application/json.' },
  unauthorized: {
    status: 401,
    fix: 'Send an API key as `Authorization: Bearer <key>` (create one with `wahub apikey create`).',
  },
  signature_invalid: {
    status: 401,
    fix: "Meta signs webhooks with the app secret: check the app secret stored for this app (`wahub app list`) matches the one in Meta's App Dashboard.",
  },
  forbidden: { status: 403, fix: 'Use a key or user with the needed scope or tenant.' },
  webhook_verify_failed: {
    status: 403,
    fix: "The verify token Meta sent matches no app's verify token: paste the one `wahub app list` shows into Meta's webhook configuration (or add the app with `wahub app add`).",
  },
  not_found: { status: 404, fix: 'Check the id in the URL.' },
  route_not_found: {
    status: 404,
    fix: 'Check the method and path against the OpenAPI description at /docs.',
  },
  conflict: {
    status: 409,
    fix: 'The resource already exists or changed meanwhile; read it again and retry.',
  },
  last_admin: {
    status: 409,
    fix: 'Make another user an admin (or enable one) first: `wahub user create --email EMAIL --role admin`.',
  },
  request_timeout: {
    status: 408,
    fix: 'Send the whole request promptly (Wahub cuts off clients that trickle headers or bodies; limits in WAHUB_*_TIMEOUT_MS).',
  },
  payload_too_large: { status: 413, fix: 'Send a smaller body (webhooks are limited to 3 MiB).' },
  unsupported_media_type: { status: 415, fix: 'Send the body with Content-Type: application/json.' },
  rate_limited: { status: 429, fix: 'Slow down and retry after the time in the Retry-After header.' },
  token_invalid: {
    status: 422,
    fix: 'Generate a System User token in Meta Business Settings (it never expires) and save it again with `wahub waba add --waba-id <id> --token <token>`.',
  },
  token_temporary: {
    status: 422,
    fix: 'Generate a System User token (Business settings > Users > System users > Generate new token, with whatsapp_business_messaging and whatsapp_business_management on the WABA): it never expires. To take a temporary token anyway (a test), pass acceptTemporary (`--accept-temporary`).',
  },
  price_card_invalid: {
    status: 422,
    fix: "Export Meta's rate card as CSV unchanged (a header row with Market, Currency and the category columns) and import it with `wahub prices import FILE --effective YYYY-MM-DD`.",
  },
  meta_error: {
    status: 422,
    fix: 'Meta refused the request: details.meaning says why and details.fix what to do; `wahub doctor` checks the whole channel.',
  },
  meta_unreachable: {
    status: 502,
    fix: 'Check WAHUB_GRAPH_URL and the network path to it, then retry; nothing was changed at Meta if the error says so.',
  },
  number_not_in_waba: {
    status: 422,
    fix: 'Check the phone number id and WABA id in WhatsApp Manager > Phone numbers, or import every number of the WABA with `wahub number import --waba-id <id>`.',
  },
  number_not_allowed: {
    status: 403,
    fix: "Send from one of the tenant's numbers (GET /api/v1/numbers) or leave `from` out to use the tenant's default number.",
  },
  no_sender_number: {
    status: 422,
    fix: 'Assign a number to the tenant (`wahub tenant update --name <tenant> --default <phone-number-id>`) or set the global default number (`wahub number default --phone-number-id <id>`).',
  },
  tenant_disabled: {
    status: 403,
    fix: 'An operator enables the tenant again with `wahub tenant update --name <tenant> --enable`.',
  },
  whatsapp_disabled: {
    status: 403,
    fix: 'An operator turns WhatsApp on again: globally with `wahub tenant whatsapp on`, for one tenant with `wahub tenant update --name <tenant> --whatsapp on`.',
  },
  invalid_recipient: {
    status: 422,
    fix: 'Send `to` as a full international number (e.g. +34612345678), or a national number when the tenant has a default country; a business-scoped user id (US.…) is sent as is.',
  },
  window_closed: {
    status: 422,
    fix: 'Outside the 24-hour customer service window only an approved template can be sent: send one of the templates listed in details (type "template"); free-form messages are possible again once the customer writes.',
  },
  template_not_found: {
    status: 422,
    fix: 'Check the name and language against `wahub templates list` (languages are exact: en_US is not en); create the template in WhatsApp Manager if it does not exist, then `wahub templates sync`.',
  },
  template_not_approved: {
    status: 422,
    fix: 'Only APPROVED templates can be sent: wait for the review (PENDING), edit and resubmit it (REJECTED), or use another template (PAUSED, DISABLED); `wahub templates list` shows the status.',
  },
  template_params_mismatch: {
    status: 422,
    fix: 'Give each component exactly the parameters the template defines (details.expected lists count, type and, for named templates, the parameter_name of each).',
  },
  template_invalid: {
    status: 422,
    fix: "Change the field named in details.field as the message says (Meta's template rules: docs/templates.md), then submit again.",
  },
  template_edit_refused: {
    status: 422,
    fix: 'Meta lets an APPROVED template change once a day and 10 times in 30 days, never its name, language or category; REJECTED and PAUSED ones freely. Wait, or create a new template.',
  },
  media_too_large: {
    status: 422,
    fix: "Send a smaller file: Meta's limits are image 5 MB, audio and video 16 MB, document 100 MB, sticker 500 KB (animated) / 100 KB (static).",
  },
  media_type_not_supported: {
    status: 422,
    fix: 'Upload one of the MIME types WhatsApp accepts: image/jpeg, image/png, image/webp (stickers), audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg, video/mp4, video/3gpp, text/plain, application/pdf and the Office formats.',
  },
  idempotency_key_reused: {
    status: 422,
    fix: 'An Idempotency-Key belongs to one request body for 24 hours: resend the original body, or use a new key for a different message.',
  },
  not_retryable: {
    status: 409,
    fix: 'Only a message whose outcome is unknown or that failed can be sent again; GET /api/v1/messages/{id} shows its status.',
  },
  login_failed: { status: 401, fix: 'Check the email and password.' },
  csrf_failed: {
    status: 403,
    fix: 'Send the x-csrf-token header with the csrfToken from POST /api/v1/auth/login (or GET /api/v1/auth/me).',
  },
  password_change_required: {
    status: 403,
    fix: 'Replace the one-time password first with POST /api/v1/auth/password.',
  },
  internal: { status: 500, fix: 'Wahub failed unexpectedly; the log line with this request id says why.' },
  unavailable: { status: 503, fix: 'Wahub is starting or shutting down; retry in a few seconds.' },
} as const satisfies Record<string, ErrorDefinition>

export type ErrorCode = keyof typeof errorDefinitions

export class WahubError extends Error {
  override name = 'WahubError'
  readonly code: ErrorCode
  readonly details: unknown
  readonly status: number
  readonly fix: string

  constructor(code: ErrorCode, message: string, details?: unknown, fix?: string) {
    super(message)
    this.code = code
    this.details = details
    this.status = errorDefinitions[code].status
    this.fix = fix ?? errorDefinitions[code].fix
  }
}

export type ErrorBody = { error: { code: string; message: string; fix: string; details?: unknown } }

export function errorBody(err: WahubError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message, fix: err.fix } }
  if (err.details !== undefined) body.error.details = err.details
  return body
}
