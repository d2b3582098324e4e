// What `wahub doctor` (and GET /api/v1/admin/diagnostics) answers: one finding per check and
// subject, each with what was seen and the fix — a command where there is one (SPEC §8).

export type CheckStatus = 'pass' | 'warn' | 'fail'

/** Every kind of check, with the title shown for it. The ids are stable: scripts key on them. */
export const checkTitles = {
  channels: 'WhatsApp numbers connected',
  public_url: 'Public URL is HTTPS',
  'webhook.handshake': 'Webhook handshake answers',
  app_secret: 'App secret set',
  'webhook.signatures': 'Signature failures (24 h)',
  token: 'Access token',
  'webhook.subscribed': 'App subscribed to the WABA',
  templates: 'Templates',
  'number.in_waba': 'Number belongs to the WABA',
  'number.names': 'Display number, verified name, name status',
  'number.quality': 'Quality rating and messaging limit',
  'number.registered': 'Registered for the Cloud API',
  'webhook.callback': 'Where Meta sends the webhooks',
  'webhooks.arriving': 'Webhooks arriving',
  'webhooks.unrouted': 'Unrouted webhooks ("Platform not found")',
  'webhooks.backlog': 'Webhook processing keeps up',
  'webhooks.wrong_app': 'Webhooks signed by the app that owns the number',
  'sends.failures': 'Send failures (24 h)',
  'media.storage': 'Media storage writable',
  'webhook.subscriptions': 'Webhook subscriptions delivering',
} as const

export type CheckId = keyof typeof checkTitles

export type Check = {
  id: CheckId
  title: string
  /** What it is about: null for the installation, else e.g. `WABA 100…` or `+1 555-010-0001 (110…)`. */
  subject: string | null
  status: CheckStatus
  /** What doctor saw, in words, with the values. */
  seen: string
  /** What to do (a command where there is one); null when nothing needs doing. */
  fix: string | null
  /** The facts behind the finding (ids, counts, codes), for scripts and the dashboard. */
  data?: Record<string, unknown>
}

export type DoctorReport = {
  generatedAt: number
  /** The `--channel` asked for, if any. */
  channel: string | null
  checks: Check[]
  summary: Record<CheckStatus, number>
  /** No check failed (exit code 0). */
  ok: boolean
  /** When the oldest of Meta's answers used was read (cached up to 5 min); null = all read now. */
  metaReadAt: number | null
}

export function check(
  id: CheckId,
  subject: string | null,
  status: CheckStatus,
  seen: string,
  fix: string | null = null,
  data?: Record<string, unknown>,
): Check {
  const out: Check = { id, title: checkTitles[id], subject, status, seen, fix }
  if (data) out.data = data
  return out
}

export function summarise(checks: readonly Check[]): Record<CheckStatus, number> {
  const summary = { pass: 0, warn: 0, fail: 0 }
  for (const c of checks) summary[c.status]++
  return summary
}
