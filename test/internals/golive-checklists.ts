import type { StepId } from '../../src/diagnostics/golive-types.ts'

// The seeds' go-live checklists, copied as data (issue 21: the guide must cover each item).
// Each item names the step of the go-live guide that checks it, and why where it is not plain.

export type ChecklistItem = { item: string; steps: StepId[]; note?: string }

/** Seed 001 (bakery SaaS, ../shared/seeds/001_ab880b63bc2f9073.md): "Checklist: You're Done When...". */
export const seed001Done: ChecklistItem[] = [
  { item: 'Meta Business Account created and verified', steps: ['business.verified'] },
  { item: 'WhatsApp Business Account created (WABA ID saved)', steps: ['waba.connected'] },
  {
    item: '10 phone numbers added and verified',
    steps: ['number.added', 'number.display_name'],
    note: 'per number: `wahub golive --number`',
  },
  { item: 'System User created', steps: ['token.permanent'], note: 'debug_token says SYSTEM_USER' },
  {
    item: 'Access Token generated and saved securely',
    steps: ['token.permanent', 'token.scopes'],
    note: 'Wahub keeps it in the vault only',
  },
  { item: 'Message template `po_notification` approved', steps: ['templates.approved'] },
  {
    item: 'Webhook configured and verified',
    steps: ['webhook.callback', 'webhook.subscribed', 'wahub.public_url'],
  },
  {
    item: 'Environment variables set in `.env`',
    steps: ['wahub.public_url', 'app.connected'],
    note: 'Wahub needs WAHUB_PUBLIC_URL; the rest is stored by `wahub app/waba add`',
  },
  {
    item: 'Notification service restarted',
    steps: ['wahub.public_url'],
    note: 'Wahub takes new tokens and numbers without a restart; the handshake proves it serves',
  },
  { item: 'Test message sent successfully', steps: ['message.delivered', 'webhook.received'] },
  { item: 'All 10 bakeries assigned phone numbers', steps: ['tenant.assigned'] },
  { item: 'Quality rating is GREEN', steps: ['number.quality'] },
  { item: 'Billing configured in Meta Business Manager', steps: ['billing.payment_method'] },
]

/**
 * Seed 002 (ConnectDesk, ../shared/seeds/002_7f6bbe30ccb1f1a0.md): §14.1 "Pre-Requisites
 * Checklist" before switching to Live mode, with §7.4 domain verification and §14.3 the switch.
 */
export const seed002Production: ChecklistItem[] = [
  { item: 'Business Verification is Approved', steps: ['business.verified'] },
  { item: 'Display Name is Approved', steps: ['number.display_name'] },
  { item: 'Real phone number is Registered and Verified', steps: ['number.registered', 'number.added'] },
  { item: 'System User Token is Generated', steps: ['token.permanent'] },
  { item: 'At least one Message Template is Approved', steps: ['templates.approved'] },
  { item: 'Webhook URL is Configured and Verified', steps: ['webhook.callback', 'wahub.public_url'] },
  { item: 'Privacy Policy URL is set in App Settings', steps: ['app.privacy_policy'] },
  { item: 'Two-Factor Authentication is Enabled on your Facebook account', steps: ['security.two_factor'] },
  { item: 'Payment method is added to your Meta Business Portfolio', steps: ['billing.payment_method'] },
  { item: 'Domain Verification (§7.4, recommended)', steps: ['business.domain'] },
  { item: 'Switch App to Live Mode (§14.3)', steps: ['app.live'] },
]
