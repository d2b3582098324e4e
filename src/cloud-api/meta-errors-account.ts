import type { MetaErrorInfo } from './meta-error-info.ts'

// Registration (133xxx), payments and generic request codes.
// Source: FACTS §3.2 (meaning from M-ERR, HTTP from M-ERR-OLD).
export const accountErrors = {
  133000: {
    title: 'Incomplete deregistration',
    httpStatus: 500,
    category: 'registration',
    retry: 'no',
    meaning: 'A previous deregistration of the number did not complete.',
    fix: 'Deregister the number again, then register it: `wahub phone register --pin <6-digit PIN>`.',
  },
  133004: {
    title: 'Server temporarily unavailable',
    httpStatus: 503,
    category: 'server',
    retry: 'backoff',
    meaning: 'A Meta server is temporarily unavailable (the error details may say for how long).',
    fix: 'Nothing to do: Wahub retries with backoff.',
  },
  133005: {
    title: 'Two step verification PIN mismatch',
    httpStatus: 400,
    category: 'registration',
    retry: 'no',
    meaning: "The PIN does not match the number's two-step verification PIN.",
    fix: 'Use the PIN set in WhatsApp Manager, or reset two-step verification there, then `wahub phone register --pin`.',
  },
  133006: {
    title: 'Phone number re-verification needed',
    httpStatus: 400,
    category: 'registration',
    retry: 'no',
    meaning: 'The number must be verified again (SMS or voice code) before it can be registered.',
    fix: 'Verify the number in WhatsApp Manager, then `wahub phone register --pin`.',
  },
  133008: {
    title: 'Too many two step verification PIN guesses',
    httpStatus: 400,
    category: 'registration',
    retry: 'later',
    meaning: 'Too many wrong PINs were tried for this number.',
    fix: 'Wait the time named in the error details, then register again with the right PIN.',
  },
  133009: {
    title: 'Two step verification PIN guessed too fast',
    httpStatus: 400,
    category: 'registration',
    retry: 'later',
    meaning: 'PINs were tried too quickly one after another.',
    fix: 'Wait the time named in the error details, then register again.',
  },
  // The BUSINESS number (the sender), not the recipient as a seed report thought.
  133010: {
    title: 'Phone number not registered',
    httpStatus: 400,
    category: 'registration',
    retry: 'no',
    meaning: 'The business phone number sending the message is not registered with the Cloud API.',
    fix: 'Register it: `wahub phone register --pin <6-digit PIN>` (`wahub doctor` shows registration).',
  },
  133015: {
    title: 'Please wait a few minutes before attempting to register this phone number',
    httpStatus: 400,
    category: 'registration',
    retry: 'later',
    meaning: 'The number was deleted recently and the deletion has not finished.',
    fix: 'Wait 5 minutes, then register again.',
  },
  133016: {
    title: 'Account register or deregister rate limit exceeded',
    httpStatus: 400,
    category: 'registration',
    retry: 'later',
    meaning: 'Too many register or deregister attempts for this number; it is blocked for a while.',
    fix: 'Wait until the number is unblocked (the error details say when) and try once.',
  },
  134011: {
    title: 'WhatsApp Payments terms not accepted',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'payment',
    retry: 'no',
    meaning: 'The WhatsApp Payments terms of service have not been accepted for this account.',
    fix: 'Accept the WhatsApp Payments terms in WhatsApp Manager.',
  },
  135000: {
    title: 'Generic user error',
    httpStatus: 400,
    category: 'parameter',
    retry: 'no',
    meaning: 'Meta reports an unknown problem with the request parameters.',
    fix: 'Check the request body against the message type; read the error details and the fbtrace_id.',
  },
  137000: {
    title: 'Identity key hash mismatch',
    httpStatus: 400, // not in M-ERR-OLD
    category: 'recipient',
    retry: 'no',
    meaning:
      "The recipient's identity key hash does not match the one sent: the customer's identity changed (new phone or reinstall).",
    fix: "Confirm the customer's identity, then send again with the new hash or without the identity check.",
  },
} as const satisfies Record<number, MetaErrorInfo>
