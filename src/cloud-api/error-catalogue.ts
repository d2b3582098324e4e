import type { MetaErrorInfo, MetaErrorRange } from './meta-error-info.ts'
import { accountErrors } from './meta-errors-account.ts'
import { graphErrors } from './meta-errors-graph.ts'
import { messagingErrors } from './meta-errors-messaging.ts'
import { templateErrors } from './meta-errors-template.ts'

export type { MetaErrorCategory, MetaErrorInfo, MetaErrorRange, MetaErrorRetry } from './meta-error-info.ts'

// The one place Wahub explains Meta's error codes (STYLE: Errors). Used by the send worker (retry
// or not), the API (returned with the error), the dashboard and `wahub doctor`. Every code Meta
// documents (test/cloud-api/meta-documented.ts, with sources) is here; the catalogue test checks that, and
// docs/meta-errors.md is rendered from it (`node src/cloud-api/render-errors-doc.ts --write`).
export const metaErrors = {
  ...graphErrors,
  ...messagingErrors,
  ...templateErrors,
  ...accountErrors,
} as const satisfies Record<number, MetaErrorInfo>

export type MetaErrorCode = keyof typeof metaErrors

// Families explained together when the exact code is not catalogued. First match wins.
export const metaErrorRanges: readonly MetaErrorRange[] = [
  {
    from: 200,
    to: 299,
    title: 'API Permission',
    httpStatus: 403,
    category: 'permission',
    retry: 'no',
    meaning: 'A Graph API permission was not granted or was removed (codes 200–299).',
    fix: 'Give the System User the WhatsApp permissions on this WABA, generate a new token and update it with `wahub waba add --token`.',
  },
  {
    from: 138000,
    to: 138999,
    title: 'Calling API error',
    httpStatus: 400,
    category: 'calling',
    retry: 'no',
    meaning: 'A WhatsApp Calling API error (138xxx); the exact reason is in the error details.',
    fix: 'Read the error details; check that calling is enabled for the number in WhatsApp Manager.',
  },
  {
    from: 139000,
    to: 139999,
    title: 'Flows or block-users API error',
    httpStatus: 400,
    category: 'flow',
    retry: 'no',
    meaning: 'A WhatsApp Flows or Block Users API error (139xxx); the exact reason is in the error details.',
    fix: 'Read the error details and fix the Flow (WhatsApp Manager > Flows) or the block request.',
  },
  {
    from: 2388000,
    to: 2388999,
    title: 'Template creation error',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'Meta rejected a template at creation (2388xxx: format, content or template limits).',
    fix: 'Read the error details (they name the component) and correct the template before creating it again.',
  },
  {
    from: 132000,
    to: 132999,
    title: 'Template error',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'A template error (132xxx) not in the catalogue; the exact reason is in the error details.',
    fix: 'Read the error details; check the template with `wahub templates list`.',
  },
  {
    from: 133000,
    to: 133999,
    title: 'Registration error',
    httpStatus: 400,
    category: 'registration',
    retry: 'no',
    meaning: 'A phone number registration error (133xxx) not in the catalogue.',
    fix: 'Read the error details; `wahub doctor` shows the registration state of the number.',
  },
]

// Subcodes only refine the wording: Meta says to key logic on `code` + `error_data.details`,
// never on the subcode (FACTS §3.1).
const subcodeNotes: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  190: { 463: 'The token passed its expiry time (subcode 463).' },
}

export type ExplainedMetaError = MetaErrorInfo & { code: number; known: boolean }

const catalogue: Readonly<Record<number, MetaErrorInfo>> = metaErrors

export function explainMetaError(code: number, subcode?: number): ExplainedMetaError {
  const entry = Object.hasOwn(catalogue, code) ? catalogue[code] : undefined
  if (entry) {
    const note = subcode === undefined ? undefined : subcodeNotes[code]?.[subcode]
    return { ...entry, meaning: note ? `${entry.meaning} ${note}` : entry.meaning, code, known: true }
  }
  const range = metaErrorRanges.find((r) => code >= r.from && code <= r.to)
  if (range) {
    const { from: _from, to: _to, ...info } = range
    return { ...info, code, known: false }
  }
  return { ...unknownError(code), code, known: false }
}

function unknownError(code: number): MetaErrorInfo {
  return {
    title: 'Unknown error',
    httpStatus: 400,
    category: 'unknown',
    // Never resend blindly on a code we cannot explain: a duplicate is worse than a failure.
    retry: 'no',
    meaning: `Meta returned error code ${code}, which is not in Wahub's catalogue.`,
    fix: "Read the error details and fbtrace_id, and look the code up on Meta's error-codes page (https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes).",
  }
}
