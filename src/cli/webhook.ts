import { listWabas } from '../channels/wabas.ts'
import {
  type WebhookStatus,
  webhookOverride,
  webhookStatus,
  webhookSubscribe,
} from '../channels/webhook-config.ts'
import { cliActor, localUrl, parseFlags, runAdmin, subcommand } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

function statusText(s: WebhookStatus): string {
  const lines = [
    `WABA ${s.wabaId}: app ${s.appId ?? '(none linked)'} ${s.subscribed ? 'subscribed' : 'NOT subscribed'}`,
    `  Wahub's callback: ${s.callbackUrl}`,
    `  WABA override:    ${s.wabaOverride ?? 'none'}`,
  ]
  for (const n of s.numbers) {
    const used = n.effective ? `${n.effective.url} (${n.effective.level} level)` : 'nothing configured'
    lines.push(
      `  ${n.phoneNumberId}${n.displayPhoneNumber ? ` ${n.displayPhoneNumber}` : ''}: Meta sends to ${used} ${n.pointsToUs ? '= Wahub ✓' : '≠ Wahub ✗'}`,
    )
    if (n.numberOverride) lines.push(`      number override: ${n.numberOverride}`)
  }
  for (const p of s.problems) lines.push(`problem: ${p.problem}`, `    fix: ${p.fix}`)
  if (s.ok) lines.push("OK: Meta sends every number's webhooks to Wahub.")
  return `${lines.join('\n')}\n`
}

export const webhookCommand: CliCommand = {
  name: 'webhook',
  summary: 'Where Meta sends webhooks: status, subscribe, override',
  usage: `wahub webhook status [--waba-id ID] [--phone-number-id ID] [--json]
    Reads subscribed_apps and each number's webhook_configuration and says which callback Meta
    actually uses — a number override wins over a WABA override, which wins over the app's
    callback URL — and whether that is Wahub. Exits 1 when it is not. All WABAs by default.
wahub webhook subscribe --waba-id ID [--json]
    Subscribes the app to the WABA (this also removes a WABA-level override).
wahub webhook override --level waba|number (--waba-id ID | --phone-number-id ID) [--url URL] [--remove] [--json]
    Points the WABA or the number at Wahub (WAHUB_PUBLIC_URL/webhooks/whatsapp, or --url) with a
    callback override; Meta checks it with the app's verify token. --remove deletes it.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    switch (subcommand(sub, ['status', 'subscribe', 'override'])) {
      case 'status': {
        const f = parseFlags(rest, { values: ['waba-id', 'phone-number-id'] })
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const pnid = f.value('phone-number-id')
            let waba = f.value('waba-id')
            if (!waba && pnid) {
              const row = await s.db
                .selectFrom('phone_numbers')
                .select('waba_id')
                .where('phone_number_id', '=', pnid)
                .executeTakeFirst()
              waba = row?.waba_id ?? pnid
            }
            const wabas = waba ? [waba] : (await listWabas(s.db)).map((w) => w.id)
            const out: WebhookStatus[] = []
            for (const w of wabas)
              out.push(await webhookStatus(s, w, { phoneNumberId: pnid, localUrl: localUrl(s.config) }))
            return out
          },
          (all) => (all.length === 0 ? 'No WABAs.\n' : all.map(statusText).join('\n')),
          (all) => (all.every((s) => s.ok) ? 0 : 1),
        )
      }
      case 'subscribe': {
        const f = parseFlags(rest, { values: ['waba-id'] })
        const waba = f.required('waba-id')
        return runAdmin(
          io,
          f.json,
          (s) => webhookSubscribe(s, waba, cliActor, localUrl(s.config)),
          statusText,
        )
      }
      default: {
        const f = parseFlags(rest, {
          values: ['level', 'waba-id', 'phone-number-id', 'url'],
          booleans: ['remove'],
        })
        const level = f.required('level')
        if (level !== 'waba' && level !== 'number') throw new UsageError('--level is waba or number')
        const input = {
          level: level as 'waba' | 'number',
          waba: f.value('waba-id'),
          phoneNumberId: f.value('phone-number-id'),
          url: f.value('url'),
          remove: f.has('remove'),
        }
        if (level === 'number' && !input.phoneNumberId)
          throw new UsageError('--level number needs --phone-number-id')
        if (level === 'waba' && !input.waba) throw new UsageError('--level waba needs --waba-id')
        return runAdmin(
          io,
          f.json,
          (s) => webhookOverride(s, input, cliActor, localUrl(s.config)),
          statusText,
        )
      }
    }
  },
}
