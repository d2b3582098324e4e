import type { MetaErrorInfo } from './meta-error-info.ts'

// Generic Graph API codes (auth, permissions, call-rate throttles) that WhatsApp endpoints share
// with the rest of Graph. Source: FACTS §3.2 (M-ERR, HTTP from M-ERR-OLD) unless noted.
export const graphErrors = {
  0: {
    title: 'AuthException',
    httpStatus: 401,
    category: 'auth',
    retry: 'no',
    meaning:
      'Meta could not authenticate the app user: the access token expired or was invalidated (password change, user removed from the business, app blocked by the user).',
    fix: 'Generate a System User token (never expires) in Business Settings and update the WABA with `wahub waba add --token`; `wahub doctor` shows the token state.',
  },
  1: {
    title: 'API Unknown',
    httpStatus: 400,
    category: 'server',
    retry: 'backoff',
    meaning: 'Meta could not process the request: it is invalid or Meta had an internal error.',
    fix: 'Wahub retries a few times with backoff. If it persists, check https://metastatus.com and the error details of the message.',
  },
  2: {
    title: 'API Service',
    httpStatus: 503,
    category: 'server',
    retry: 'backoff',
    meaning: 'Temporary downtime or overload at Meta.',
    fix: 'Nothing to do: Wahub retries with backoff. If it lasts, check https://metastatus.com.',
  },
  3: {
    title: 'API Method',
    httpStatus: 500,
    category: 'permission',
    retry: 'no',
    meaning: 'Capability or permission issue: this app is not allowed to call this method.',
    fix: 'Check that the app has the WhatsApp product and the token has whatsapp_business_messaging and whatsapp_business_management (`wahub doctor` lists the scopes).',
  },
  4: {
    title: 'API Too Many Calls',
    httpStatus: 400, // M-ERR-OLD; OAS shows HTTP 429 with subcode 2446079 and is_transient
    category: 'rate_limit',
    retry: 'backoff',
    meaning:
      'The Meta app reached its Graph API call rate limit (app level, mostly on management endpoints).',
    fix: 'Wahub backs off and retries. Make fewer management calls (template syncs, number lookups) and check the app usage in the App Dashboard.',
  },
  10: {
    title: 'Permission Denied',
    httpStatus: 403,
    category: 'permission',
    retry: 'no',
    meaning:
      'A permission was not granted or was removed (also: the number is not allowlisted for a Flows public key, or the account is not eligible for this API).',
    fix: 'Give the System User whatsapp_business_messaging and whatsapp_business_management on this WABA, generate a new token and update it with `wahub waba add --token`.',
  },
  // 17/32/341/613: "Generic Graph throttles … may appear on management endpoints" (FACTS §3.2).
  // M-ERR-OLD lists no HTTP status for them; 400 is Graph's usual answer.
  17: {
    title: 'User request limit reached',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'backoff',
    meaning: 'Graph throttled the user behind the access token (too many calls in a short time).',
    fix: 'Wahub backs off and retries. Spread management calls out (e.g. sync templates less often).',
  },
  32: {
    title: 'Page request limit reached',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'backoff',
    meaning: 'Graph throttled calls made on behalf of the page or account behind the token.',
    fix: 'Wahub backs off and retries. Spread management calls out.',
  },
  33: {
    title: 'Business phone number deleted',
    httpStatus: 400,
    category: 'account',
    retry: 'no',
    meaning: 'The business phone number was deleted from the WhatsApp Business Account.',
    fix: 'Remove the number from Wahub (`wahub number remove`), or add it again in WhatsApp Manager and re-import it.',
  },
  100: {
    title: 'Invalid parameter',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning:
      'A parameter is invalid, unsupported, misspelled or too long; also a phone_number_id that does not belong to the WABA of the token, or a bad Flows public key.',
    fix: 'Read the error details (they name the field). Check the phone_number_id and WABA id with `wahub doctor`.',
  },
  190: {
    title: 'Access token has expired',
    httpStatus: 401,
    category: 'auth',
    retry: 'no',
    meaning:
      'The access token is invalid or expired (temporary tokens from the App Dashboard last 24 hours).',
    fix: 'Generate a System User token (never expires) and update the WABA with `wahub waba add --token`, then resend.',
  },
  // The row "200–299 permission" is the range in error-catalogue.ts; 200 itself also means "no
  // access token" on some GETs (FACTS §3.2), and OAS shows 403 code 200 subcode 1349174.
  200: {
    title: 'API Permission',
    httpStatus: 403,
    category: 'permission',
    retry: 'no',
    meaning:
      'A permission is missing or was removed; on some GET endpoints it means no access token was sent ("Provide valid app ID").',
    fix: 'Check the WABA token in Wahub (`wahub doctor`); give the System User the WhatsApp permissions on this WABA and update the token with `wahub waba add --token`.',
  },
  341: {
    title: 'Application limit reached',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'backoff',
    meaning: 'The Meta app hit a Graph limit on calls or actions.',
    fix: 'Wahub backs off and retries. If it recurs, check the app usage in the App Dashboard.',
  },
  368: {
    title: 'Temporarily blocked for policies violations',
    httpStatus: 403,
    category: 'policy',
    retry: 'no',
    meaning: 'The WhatsApp Business Account was restricted or disabled for violating a WhatsApp policy.',
    fix: 'Stop campaigns. See the violation in WhatsApp Manager > Account quality (or Business Support Home) and request a review.',
  },
  613: {
    title: 'Calls to this API have exceeded the rate limit',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'backoff',
    meaning: 'Graph throttled calls to this endpoint.',
    fix: 'Wahub backs off and retries. Spread management calls out.',
  },
  // OAS subscribed_apps example: 404, type GraphMethodException.
  803: {
    title: 'Object does not exist',
    httpStatus: 404,
    category: 'parameter',
    retry: 'no',
    meaning: 'An id in the request path does not exist or is not visible to this access token.',
    fix: 'Compare the WABA and phone number ids in Wahub with WhatsApp Manager; `wahub doctor` checks them against the token.',
  },
  // A WABA rate limit on management endpoints (M-PLAT: 200/h, 5,000/h once a number is
  // registered). Not the 24-hour window: a seed report confused them (SPEC §7).
  80007: {
    title: 'Rate limit issues',
    httpStatus: 400,
    category: 'rate_limit',
    retry: 'backoff',
    meaning:
      'The WhatsApp Business Account reached its rate limit for management calls (phone numbers, templates, subscribed apps). It is not the 24-hour window.',
    fix: 'Wahub retries with backoff. Make fewer management calls (template syncs); if it persists, run `wahub doctor`.',
  },
} as const satisfies Record<number, MetaErrorInfo>
