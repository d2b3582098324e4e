import { Type } from 'typebox'
import type { ChannelSettings } from '../../channels/channel-settings.ts'
import { NStr } from './schema-helpers.ts'

// Every field of the channel settings that leaves the API: a schema (OpenAPI; fast-json-stringify drops
// anything else) and a function picking exactly those fields. Secrets appear only as their last 4 characters.

export const SettingsSchema = Type.Object({
  defaultNumberId: NStr,
  defaultPhoneNumberId: NStr,
  whatsappEnabled: Type.Boolean(),
})

export function presentSettings(s: ChannelSettings) {
  return {
    defaultNumberId: s.defaultNumberId,
    defaultPhoneNumberId: s.defaultPhoneNumberId,
    whatsappEnabled: s.whatsappEnabled,
  }
}
