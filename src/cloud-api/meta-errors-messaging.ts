import type { MetaErrorInfo } from './meta-error-info.ts'

// Codes from sending messages (130xxx, 131xxx), synchronous or in `failed` status webhooks.
// Source: FACTS §3.2 (meaning from M-ERR, HTTP from M-ERR-OLD). Where M-ERR-OLD lists no HTTP
// status ("—", mostly async-only codes) we use 400, Meta's answer for business errors (FACTS §7).
export const messagingErrors = {
  130403: {
    title: 'Business has blocked this user',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'recipient',
    retry: 'no',
    meaning: 'The business blocked this WhatsApp user, so it cannot message them.',
    fix: 'Unblock the user (Block Users API or WhatsApp Manager) before sending again.',
  },
  // M-THR: 80 mps by default, 1,000 after an upgrade, 20 for coexistence numbers.
  130429: {
    title: 'Rate limit hit',
    httpStatus: 400,
    category: 'throughput',
    retry: 'slow_lane',
    meaning: "The phone number's Cloud API throughput (messages per second) was exceeded.",
    fix: "Nothing to do: Wahub slows this number's lane and resends. If it recurs, lower the number's cap in Wahub or check its throughput level with `wahub doctor`.",
  },
  130472: {
    title: "User's number is part of an experiment",
    httpStatus: 400,
    category: 'recipient',
    retry: 'no',
    meaning:
      'Meta did not send this marketing message because the recipient is in a Meta marketing experiment.',
    fix: 'Nothing to fix and nothing is charged; reach this customer another way or when they write next.',
  },
  130497: {
    title: 'Business account is restricted from messaging users in this country',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'policy',
    retry: 'no',
    meaning: "The WhatsApp Business Account may not message users in the recipient's country.",
    fix: 'Do not send to this country from this WABA; check the restriction in WhatsApp Manager.',
  },
  131000: {
    title: 'Something went wrong',
    httpStatus: 500,
    category: 'server',
    retry: 'backoff',
    meaning: 'The message failed for an unknown reason at Meta.',
    fix: 'Wahub retries a limited number of times. If it keeps failing, open a Meta support ticket quoting the fbtrace_id.',
  },
  131005: {
    title: 'Access denied',
    httpStatus: 403,
    category: 'permission',
    retry: 'no',
    meaning: 'The permission needed for this call was not granted or was removed.',
    fix: 'Give the System User whatsapp_business_messaging on this WABA, generate a new token and update it with `wahub waba add --token`.',
  },
  131008: {
    title: 'Required parameter is missing',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning: 'The request lacks a required parameter.',
    fix: 'Read the error details (they name the parameter) and add it.',
  },
  131009: {
    title: 'Parameter value is not valid',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning:
      'A parameter value is invalid (on the Marketing Messages API it can also mean the ad account sync is not finished).',
    fix: 'Read the error details and correct the value; for the Marketing Messages API wait 10 minutes and retry.',
  },
  131016: {
    title: 'Service unavailable',
    httpStatus: 500,
    category: 'server',
    retry: 'backoff',
    meaning: 'A Meta service is temporarily unavailable.',
    fix: 'Nothing to do: Wahub retries with backoff. If it lasts, check https://metastatus.com.',
  },
  // Groups API codes: FACTS only says "131020/131041/131059/131201 group errors (PYWA)".
  131020: groupError(),
  131021: {
    title: 'Recipient cannot be sender',
    httpStatus: 400,
    category: 'recipient',
    retry: 'no',
    meaning: 'The message was addressed to the sending business number itself.',
    fix: 'Send to a different recipient; a number cannot message itself.',
  },
  131026: {
    title: 'Message undeliverable',
    httpStatus: 400,
    category: 'recipient',
    retry: 'no',
    meaning:
      'The message could not be delivered: the number is not on WhatsApp, the user has not accepted the current terms, uses an old WhatsApp version, or Meta suppressed it for quality.',
    fix: 'Check the number is on WhatsApp; try much later or reach the customer on another channel. Do not retry in a loop.',
  },
  // Development-mode numbers only deliver to up to 5 test recipients. Not a phone-format
  // problem, as a seed report claimed (SPEC §7).
  131030: {
    title: 'Recipient phone number not in allowed list',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'recipient',
    retry: 'no',
    meaning:
      'The recipient is not in the allowed list of a phone number in development mode (a test number delivers to at most 5 numbers).',
    fix: "Add the recipient as a test number in Meta's App Dashboard (WhatsApp > API Setup), or take the app live with a production number.",
  },
  // Not a phone-format problem either (SPEC §7).
  131031: {
    title: 'Business account has been locked',
    httpStatus: 403,
    category: 'account',
    retry: 'no',
    meaning:
      'The business account is locked: restricted or disabled for a policy violation, or Meta could not verify data in the request against the account (e.g. a wrong two-step verification PIN).',
    fix: 'Stop sending. See Account quality in WhatsApp Manager and request a review; if a PIN was just used, register again with the right PIN (`wahub phone register --pin`).',
  },
  131037: {
    title: 'Display name approval needed',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'account',
    retry: 'no',
    meaning: 'This 555 (Meta-provided) business number has no approved display name yet.',
    fix: 'Set a display name for the number in WhatsApp Manager and wait for approval; `wahub doctor` shows the name status.',
  },
  131041: groupError(),
  131042: {
    title: 'Business eligibility payment issue',
    httpStatus: 400,
    category: 'payment',
    retry: 'no',
    meaning:
      'Payment problem on the account: no or exhausted credit line, WABA deleted or suspended, time zone or currency not set, or an on-behalf-of request pending.',
    fix: 'Pause all sends from this WABA and fix billing in WhatsApp Manager (payment method, credit line, currency, time zone).',
  },
  131045: {
    title: 'Incorrect certificate',
    httpStatus: 500,
    category: 'registration',
    retry: 'no',
    meaning: 'The phone number is not properly registered (certificate error).',
    fix: 'Register the number again: `wahub phone register --pin <6-digit PIN>`.',
  },
  // The 24-hour customer service window (not 80007, SPEC §7).
  131047: {
    title: 'Re-engagement message',
    httpStatus: 400,
    category: 'window',
    retry: 'no',
    meaning: 'More than 24 hours have passed since the customer last wrote, so only a template may be sent.',
    fix: 'Send an approved template; free-form messages are possible again once the customer replies.',
  },
  131048: {
    title: 'Spam rate limit hit',
    httpStatus: 400,
    category: 'policy',
    retry: 'no',
    meaning:
      'Meta restricts how many messages this number may send because too many earlier messages were blocked or reported as spam.',
    fix: "Pause the campaign, check the number's quality rating (`wahub doctor`) and improve the templates and audience before sending again.",
  },
  131049: {
    title: 'Meta chose not to deliver',
    httpStatus: 400, // async only (status webhook); not in M-ERR-OLD
    category: 'recipient',
    retry: 'later',
    meaning:
      'Meta did not deliver this marketing message "to maintain healthy ecosystem engagement" (a per-user limit on marketing messages).',
    fix: 'Do not resend at once: wait at least 24 hours, or send a non-marketing message when the customer writes.',
  },
  131050: {
    title: 'User has stopped marketing messages',
    httpStatus: 400, // async only (status webhook); not in M-ERR-OLD
    category: 'recipient',
    retry: 'no',
    meaning: 'The customer stopped marketing messages from this business.',
    fix: 'Do not send marketing templates to this customer; utility and service messages still work.',
  },
  131051: {
    title: 'Unsupported message type',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning:
      'The message type is not supported (on an inbound message: the customer sent a type the Cloud API cannot show).',
    fix: 'Send a supported type; for inbound, ask the customer to send it differently.',
  },
  131052: {
    title: 'Media download error',
    httpStatus: 400,
    category: 'media',
    retry: 'no',
    meaning: 'Meta could not download the media the customer sent (e.g. larger than 100 MB).',
    fix: 'Ask the customer to send the file again, smaller or by another channel.',
  },
  131053: {
    title: 'Media upload error',
    httpStatus: 400,
    category: 'media',
    retry: 'no',
    meaning: 'The media could not be uploaded or sent (unsupported or mismatched MIME type, size).',
    fix: 'Send a supported MIME type within its limit: image JPEG/PNG ≤5 MB, audio and video ≤16 MB, document ≤100 MB, sticker WebP ≤100 KB (500 KB animated).',
  },
  131055: {
    title: 'Method not allowed',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning: 'The Marketing Messages API only accepts marketing templates; this message is not one.',
    fix: 'Send non-marketing messages through the Cloud API messages endpoint.',
  },
  // M-PLAT: 1 message / 6 s per recipient (bursts borrowed from later); Meta suggests 4^X s.
  131056: {
    title: 'Pair rate limit hit',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'slow_lane',
    meaning: 'Too many messages from this number to the same recipient in a short time.',
    fix: 'Nothing to do: Wahub slows down sending to this recipient only and resends; other recipients are unaffected.',
  },
  // M-THR: returned for up to a minute while a throughput upgrade runs.
  131057: {
    title: 'Account in maintenance mode',
    httpStatus: 500,
    category: 'account',
    retry: 'later',
    meaning: 'The business account is in maintenance mode, e.g. while its throughput is upgraded.',
    fix: 'Nothing to do: Wahub retries after about a minute.',
  },
  131059: groupError(),
  131062: {
    title: 'Business-scoped user ID recipients not supported',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'recipient',
    retry: 'no',
    meaning: 'This message cannot be sent to a business-scoped user id (BSUID) recipient.',
    fix: "Send to the customer's phone number (wa_id) if known, or use a message type that supports BSUIDs.",
  },
  131063: {
    title: 'Marketing templates disabled on Cloud API',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'template',
    retry: 'no',
    meaning:
      'Marketing templates are disabled on the Cloud API for this account (disable_marketing_messages_on_cloud_api).',
    fix: 'Send marketing templates through the Marketing Messages API, or turn the setting off for this WABA.',
  },
  131064: {
    title: 'Messaging limit restricted',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'policy',
    retry: 'no',
    meaning:
      'Meta lowered the messaging limit because templates were classified in the wrong category; it is lifted automatically later.',
    fix: 'Wait until Meta lifts the restriction; re-create misclassified templates in the right category (`wahub templates list`).',
  },
  131201: groupError(),
} as const satisfies Record<number, MetaErrorInfo>

function groupError() {
  return {
    title: 'Groups API error',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'group',
    retry: 'no',
    meaning: 'A WhatsApp Groups API error; the exact reason is in the error details.',
    fix: 'Read the error details; check the group id and that the number may use the Groups API.',
  } as const satisfies MetaErrorInfo
}
