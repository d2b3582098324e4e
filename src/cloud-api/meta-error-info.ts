// The shape of one entry in the Meta error catalogue. Kept apart from the entries so the
// family files (meta-errors-*.ts) and error-catalogue.ts can share it without a cycle.

export type MetaErrorCategory =
  | 'auth' // the token: expired, invalid, missing
  | 'permission' // the token or app lacks a permission / capability
  | 'parameter' // the request itself is wrong
  | 'window' // the 24-hour customer service window is closed
  | 'template' // template missing, paused, disabled, wrong parameters
  | 'rate_limit' // Graph / WABA / pair limits on calls or messages
  | 'throughput' // the number's messages-per-second cap
  | 'recipient' // this recipient cannot or will not receive the message
  | 'media' // media could not be uploaded, downloaded or sent
  | 'account' // the WABA or the number: locked, deleted, in maintenance
  | 'registration' // registering / deregistering the number, two-step PIN
  | 'server' // a transient fault at Meta
  | 'policy' // quality, spam and policy enforcement
  | 'flow' // WhatsApp Flows
  | 'payment' // billing and payment eligibility
  | 'group' // the Groups API
  | 'calling' // the Calling API
  | 'unknown'

/**
 * What Wahub does with a failed send:
 * - `no`: permanent; resending unchanged fails the same way.
 * - `backoff`: transient; retry with exponential backoff, a few times.
 * - `slow_lane`: not a failure of the message; slow the number's (130429) or the recipient's
 *   (131056) lane down and send again.
 * - `later`: retryable only after a wait Meta names (minutes to a day), not in a tight loop.
 */
export type MetaErrorRetry = 'no' | 'backoff' | 'slow_lane' | 'later'

export type MetaErrorInfo = {
  /** Meta's short title (what `(#code) <title>` says), lightly normalised. */
  title: string
  /** HTTP status Meta answers with when the error is synchronous (FACTS §3.2, M-ERR-OLD). */
  httpStatus: number
  category: MetaErrorCategory
  retry: MetaErrorRetry
  /** What happened, for the person operating Wahub. */
  meaning: string
  /** What to do about it, naming the Wahub command or Meta screen. */
  fix: string
}

/** A family of codes explained together when the exact code is not catalogued (e.g. 200–299). */
export type MetaErrorRange = MetaErrorInfo & { from: number; to: number }
