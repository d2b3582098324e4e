import type { EmulatorContext } from './context.ts'

// Fields whose webhooks follow the number / WABA override; every other field (templates,
// quality, account) always goes to the app's callback URL (M-OVR, FACTS §1.8).
const overridableFields = new Set([
  'messages',
  'message_echoes',
  'calls',
  'consumer_profile',
  'messaging_handovers',
  'group_lifecycle_update',
  'group_settings_update',
  'group_participants_update',
  'smb_message_echoes',
  'smb_app_state_sync',
  'history',
  'account_settings_update',
])

export type CallbackTarget =
  | { ok: true; url: string; level: 'phone_number' | 'whatsapp_business_account' | 'application' }
  | { ok: false; reason: 'not_subscribed' | 'no_callback' }

/** Meta's priority: phone number override > WABA override > app callback (M-OVR). */
export function resolveCallback(
  ctx: EmulatorContext,
  event: { wabaId: string; field: string; phoneNumberId?: string },
): CallbackTarget {
  const { state } = ctx
  const waba = state.wabas.get(event.wabaId)
  const subscription = waba?.subscriptions.get(state.app.id)
  // An app receives a WABA's webhooks only while subscribed to it (subscribed_apps).
  if (!subscription) return { ok: false, reason: 'not_subscribed' }
  if (overridableFields.has(event.field)) {
    const number = event.phoneNumberId ? state.numbers.get(event.phoneNumberId) : undefined
    if (number?.webhookOverride?.uri)
      return { ok: true, url: number.webhookOverride.uri, level: 'phone_number' }
    if (subscription.overrideCallbackUri) {
      return { ok: true, url: subscription.overrideCallbackUri, level: 'whatsapp_business_account' }
    }
  }
  if (state.app.callbackUrl) return { ok: true, url: state.app.callbackUrl, level: 'application' }
  return { ok: false, reason: 'no_callback' }
}
