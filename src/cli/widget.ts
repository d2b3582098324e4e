import { findTenant } from '../channels/tenants-repo.ts'
import {
  getWidgetSettings,
  type ReplyMode,
  rotateWidgetKey,
  updateWidgetSettings,
  type WidgetSettings,
} from '../widget/settings.ts'
import { parseFlags, runAdmin, subcommand } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

// A tenant's website chat widget (docs/INTEGRATIONS.md): its key, allowed origins, reply mode.

function describe(s: WidgetSettings): string {
  return [
    `Widget ${s.enabled ? 'ON' : 'off'}, key ${s.publicKey}`,
    `  origins: ${s.allowedOrigins.join(', ') || 'none (nothing gets through)'}`,
    `  reply: ${s.replyMode === 'template' ? `template ${s.template?.name} (${s.template?.language})` : 'wa.me link'}`,
    `  captcha verify URL: ${s.captchaVerifyUrl ?? 'none'}`,
    `  embed: <script src="https://<your wahub>/widget.js" data-key="${s.publicKey}" async></script>`,
    '',
  ].join('\n')
}

export const widgetCommand: CliCommand = {
  name: 'widget',
  summary: "A tenant's website chat widget: show, set, rotate-key",
  usage: `wahub widget show --tenant NAME [--json]
wahub widget set --tenant NAME [--enable|--disable] [--origin https://www.example.com…]
    [--reply link|template] [--template NAME --language CODE] [--captcha-url URL|--no-captcha] [--json]
wahub widget rotate-key --tenant NAME [--json]   pages with the old key stop working`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const f = parseFlags(rest, {
      values: ['tenant', 'reply', 'template', 'language', 'captcha-url'],
      lists: ['origin'],
      booleans: ['enable', 'disable', 'no-captcha'],
    })
    const tenant = f.required('tenant')
    const tenantId = async (db: Parameters<typeof findTenant>[0]) => (await findTenant(db, tenant)).id
    switch (subcommand(sub, ['show', 'set', 'rotate-key'])) {
      case 'show':
        return runAdmin(io, f.json, async (s) => getWidgetSettings(s.db, await tenantId(s.db)), describe)
      case 'set': {
        const reply = f.value('reply')
        if (reply !== undefined && reply !== 'link' && reply !== 'template')
          throw new UsageError('--reply is link or template')
        const template = f.value('template')
        const input = {
          enabled: f.has('enable') ? true : f.has('disable') ? false : undefined,
          allowedOrigins: f.list('origin'),
          replyMode: reply as ReplyMode | undefined,
          template: template ? { name: template, language: f.value('language') ?? 'en_US' } : undefined,
          captchaVerifyUrl: f.has('no-captcha') ? null : f.value('captcha-url'),
        }
        return runAdmin(
          io,
          f.json,
          async (s) => updateWidgetSettings(s.db, await tenantId(s.db), input),
          describe,
        )
      }
      default:
        return runAdmin(io, f.json, async (s) => rotateWidgetKey(s.db, await tenantId(s.db)), describe)
    }
  },
}
