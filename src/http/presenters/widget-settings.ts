import { Type } from 'typebox'
import type { WidgetSettings } from '../../widget/settings.ts'
import { Millis, NStr, Nullable } from './schema-helpers.ts'

export const WidgetSettingsSchema = Type.Object({
  publicKey: Type.String({
    description: 'pk_…: publishable (goes in the page as data-key); names the tenant, grants nothing',
  }),
  enabled: Type.Boolean(),
  allowedOrigins: Type.Array(Type.String(), {
    description: 'Pages allowed to post the form, e.g. https://www.example.com',
  }),
  replyMode: Type.Union([Type.Literal('template'), Type.Literal('link')], {
    description:
      'template: the visitor gets this approved template on WhatsApp; link: a wa.me click-to-chat link',
  }),
  template: Nullable(Type.Object({ name: Type.String(), language: Type.String() })),
  captchaVerifyUrl: NStr,
  embed: Type.String({ description: 'The <script> tag to paste into the website' }),
  updatedAt: Millis,
})

export function presentWidgetSettings(s: WidgetSettings, baseUrl: string) {
  return {
    publicKey: s.publicKey,
    enabled: s.enabled,
    allowedOrigins: s.allowedOrigins,
    replyMode: s.replyMode,
    template: s.template,
    captchaVerifyUrl: s.captchaVerifyUrl,
    embed: `<script src="${baseUrl}/widget.js" data-key="${s.publicKey}" async></script>`,
    updatedAt: s.updatedAt,
  }
}
