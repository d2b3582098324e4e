import fs from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import { listAudiences, readCsv, saveAudience } from '../campaigns/audiences.ts'
import {
  campaignProgress,
  campaignResults,
  cancelCampaign,
  getCampaign,
  launchCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
} from '../campaigns/campaigns.ts'
import { addSuppressions, allSuppressions, normalisePhones } from '../campaigns/suppressions.ts'
import { findTenant } from '../channels/tenants-repo.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

// Campaigns from the command line (docs/CAMPAIGNS.md): audiences from a CSV file, the
// suppression list, and a campaign's lifecycle and results. Creating a campaign (template and
// parameters) is the API's or the dashboard's.

export const campaignCommand: CliCommand = {
  name: 'campaign',
  summary:
    'Campaigns: list, show, launch, pause, resume, cancel, results; audiences from CSV; the suppression list',
  usage: `wahub campaign list --tenant NAME [--json]
wahub campaign show --tenant NAME --campaign ID [--json]
wahub campaign launch|pause|resume|cancel --tenant NAME --campaign ID [--start-at ISO] [--json]
wahub campaign results --tenant NAME --campaign ID        (CSV on stdout)
wahub campaign audiences --tenant NAME [--json]
wahub campaign import --tenant NAME --name AUDIENCE --file FILE.csv [--phone-column COL] [--json]
wahub campaign suppress --tenant NAME --phone NUMBER [--phone NUMBER…] [--json]
wahub campaign suppressions --tenant NAME                 (CSV on stdout)`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const f = parseFlags(rest, {
      values: ['tenant', 'campaign', 'start-at', 'name', 'file', 'phone-column'],
      lists: ['phone'],
    })
    const tenantName = f.required('tenant')
    const tenantOf = async (s: { db: Parameters<typeof findTenant>[0] }) =>
      (await findTenant(s.db, tenantName)).id
    const which = subcommand(sub, [
      'list',
      'show',
      'launch',
      'pause',
      'resume',
      'cancel',
      'results',
      'audiences',
      'import',
      'suppress',
      'suppressions',
    ])
    switch (which) {
      case 'list':
        return runAdmin(
          io,
          f.json,
          async (s) => ({ campaigns: await listCampaigns(s.db, await tenantOf(s)) }),
          ({ campaigns }) =>
            campaigns.length === 0
              ? 'No campaigns.\n'
              : table([
                  ['ID', 'NAME', 'STATUS', 'TEMPLATE', 'REASON'],
                  ...campaigns.map((c) => [
                    c.id,
                    c.name,
                    c.status,
                    `${c.template.name} (${c.template.language})`,
                    c.reason,
                  ]),
                ]),
        )
      case 'show': {
        const id = f.required('campaign')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenantId = await tenantOf(s)
            return {
              campaign: await getCampaign(s.db, tenantId, id),
              progress: await campaignProgress(s.db, tenantId, id),
            }
          },
          ({ campaign: c, progress: p }) =>
            `${c.name} (${c.id}): ${c.status}${c.reason ? ` — ${c.reason}` : ''}\n` +
            table([
              [
                'RECIPIENTS',
                'PENDING',
                'QUEUED',
                'SENT',
                'DELIVERED',
                'READ',
                'FAILED',
                'SKIPPED',
                'REPLIED',
                'OPTED OUT',
              ],
              [
                p.recipients,
                p.pending,
                p.queued + p.sending,
                p.sent,
                p.delivered,
                p.read,
                p.failed,
                p.skipped.optedOut + p.skipped.invalid,
                p.replied,
                p.optedOut,
              ],
            ]),
        )
      }
      case 'launch':
      case 'pause':
      case 'resume':
      case 'cancel': {
        const id = f.required('campaign')
        const startAt = f.value('start-at')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenantId = await tenantOf(s)
            if (which === 'launch')
              return launchCampaign(s, tenantId, id, { startAt: startAt ? Date.parse(startAt) : undefined })
            if (which === 'pause')
              return pauseCampaign(s, tenantId, id, { by: 'user', reason: 'Paused from the CLI.' })
            if (which === 'resume') return resumeCampaign(s, tenantId, id)
            return cancelCampaign(s, tenantId, id)
          },
          (c) => `Campaign ${c.name} (${c.id}) is ${c.status}.\n`,
        )
      }
      case 'results': {
        const id = f.required('campaign')
        return runAdmin(
          io,
          false,
          async (s) => {
            const tenantId = await tenantOf(s)
            io.stdout(
              stringify([
                ['row', 'wa_id', 'state', 'reason', 'message_id', 'status', 'error_code', 'replied'],
              ]),
            )
            for await (const r of campaignResults(s.db, tenantId, id))
              io.stdout(
                stringify([
                  [
                    r.seq,
                    r.waId,
                    r.state,
                    r.reason ?? '',
                    r.messageId ?? '',
                    r.status ?? '',
                    r.errorCode ?? '',
                    r.replied ? 'yes' : 'no',
                  ],
                ]),
              )
            return {}
          },
          () => '',
        )
      }
      case 'audiences':
        return runAdmin(
          io,
          f.json,
          async (s) => ({ audiences: await listAudiences(s.db, await tenantOf(s)) }),
          ({ audiences }) =>
            table([
              ['ID', 'NAME', 'SIZE', 'REJECTED', 'DUPLICATES'],
              ...audiences.map((a) => [a.id, a.name, a.size, a.rejected, a.duplicates]),
            ]),
        )
      case 'import': {
        const name = f.required('name')
        const file = f.required('file')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenant = await findTenant(s.db, tenantName)
            const { collector, columns } = await readCsv(fs.createReadStream(file), {
              defaultCountry: tenant.default_country ?? null,
              phoneColumn: f.value('phone-column'),
            })
            return saveAudience(s, tenant.id, { name, source: 'csv', collector, columns })
          },
          (a) =>
            `Audience ${a.name} (${a.id}): ${a.size} recipients, ${a.rejected} rows rejected, ${a.duplicates} duplicates.\n` +
            a.errors
              .slice(0, 10)
              .map((e) => `  line ${e.row} ${e.field}: ${e.problem}\n`)
              .join(''),
        )
      }
      case 'suppress': {
        const phones = f.list('phone') ?? []
        return runAdmin(
          io,
          f.json,
          async (s) => {
            const tenant = await findTenant(s.db, tenantName)
            const waIds = normalisePhones(phones, tenant.default_country ?? null, 'phone')
            return addSuppressions(s.db, tenant.id, waIds, { source: 'cli', detail: 'cli' })
          },
          (r) => `${r.added} added to the suppression list, ${r.already} already on it.\n`,
        )
      }
      default:
        return runAdmin(
          io,
          false,
          async (s) => {
            const tenantId = await tenantOf(s)
            io.stdout(stringify([['wa_id', 'source', 'detail', 'created_at']]))
            for await (const x of allSuppressions(s.db, tenantId))
              io.stdout(stringify([[x.waId, x.source, x.detail ?? '', new Date(x.createdAt).toISOString()]]))
            return {}
          },
          () => '',
        )
    }
  },
}
