import type { MetaErrorInfo } from './meta-error-info.ts'

// Template, Flow and Marketing Messages API codes (132xxx, 134100–134102, 2388019).
// Source: FACTS §3.2 (meaning from M-ERR, HTTP from M-ERR-OLD).
export const templateErrors = {
  // Parameter COUNT mismatch; a seed report swapped it with 132001 (SPEC §7).
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning:
      'The number of parameters sent does not match the number of variables in the template ({{1}}, {{2}}, …).',
    fix: 'Send exactly one parameter per template variable, per component (header, body, buttons); `wahub templates list` shows them.',
  },
  // Template MISSING in that language or not approved (SPEC §7).
  132001: {
    title: 'Template name does not exist in the translation',
    httpStatus: 404,
    category: 'template',
    retry: 'no',
    meaning: 'The template does not exist in this language, or it is not approved.',
    fix: 'Check the name and language code (e.g. en_US vs en) with `wahub templates sync` then `wahub templates list`; send only APPROVED templates.',
  },
  132005: {
    title: 'Translated text too long',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'The template text with the parameters filled in is too long.',
    fix: 'Shorten the parameter values.',
  },
  132007: {
    title: 'Template format character policy violated',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'The template content (with its parameters) violates a WhatsApp policy.',
    fix: 'Change the parameter values or the template so they meet the WhatsApp Business policy.',
  },
  132012: {
    title: 'Template parameter format mismatch',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning:
      'A parameter does not have the format the template expects (e.g. text where an image header is needed).',
    fix: 'Send each parameter with the type the template defines; `wahub templates list` shows them.',
  },
  132015: {
    title: 'Template is paused',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning:
      'The template is paused for low quality (or messages held by template pacing failed), so it cannot be sent.',
    fix: 'Use another template, or edit this one to improve its quality and wait until it is reinstated.',
  },
  132016: {
    title: 'Template is disabled',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'The template was paused too many times for low quality and is now permanently disabled.',
    fix: 'Create a new template with different content.',
  },
  132018: {
    title: 'Template validation error',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'The Marketing Messages API rejected the template while validating it.',
    fix: 'Read the error details and fix the template or its parameters.',
  },
  132068: {
    title: 'Flow is blocked',
    httpStatus: 400,
    category: 'flow',
    retry: 'no',
    meaning: 'The Flow in this message is blocked.',
    fix: 'Fix the Flow in WhatsApp Manager (Flows) or send another one.',
  },
  132069: {
    title: 'Flow is throttled',
    httpStatus: 400,
    category: 'flow',
    retry: 'later',
    meaning: 'The Flow is throttled: 10 messages with this Flow were already sent in the last hour.',
    fix: 'Wait until the hour has passed, or fix the Flow so Meta lifts the throttle.',
  },
  134100: {
    title: 'Only marketing templates are allowed',
    httpStatus: 400,
    category: 'template',
    retry: 'no',
    meaning: 'The Marketing Messages API only accepts marketing templates.',
    fix: 'Send utility and authentication templates through the Cloud API messages endpoint.',
  },
  134101: {
    title: 'Template still syncing',
    httpStatus: 400,
    category: 'template',
    retry: 'later',
    meaning: 'The template is still being synced to the Marketing Messages API.',
    fix: 'Wait about 10 minutes; Wahub retries later.',
  },
  134102: {
    title: 'Marketing Messages API unavailable',
    httpStatus: 500,
    category: 'server',
    retry: 'backoff',
    meaning: 'The Marketing Messages API is unavailable.',
    fix: 'Wahub retries with backoff; if it persists, send through the Cloud API messages endpoint.',
  },
  // M-ERR quotes a cap of 250 templates per WABA; other 2388xxx codes are in the range table.
  2388019: {
    title: 'Message template limit reached',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'template',
    retry: 'no',
    meaning: 'The WhatsApp Business Account has reached its maximum number of templates (250).',
    fix: 'Delete unused templates in WhatsApp Manager (or `DELETE /message_templates`) before creating new ones.',
  },
} as const satisfies Record<number, MetaErrorInfo>
