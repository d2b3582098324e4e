import { getWaba, listWabas } from '../channels/wabas.ts'
import { type SyncResult, syncTemplates } from '../templates/sync.ts'
import { listTemplates } from '../templates/templates-repo.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

export const templatesCommand: CliCommand = {
  name: 'templates',
  summary: 'Message templates: sync from Meta, list',
  usage: `wahub templates sync [--waba-id ID] [--json]      every WABA by default
wahub templates list [--waba-id ID] [--status APPROVED] [--name NAME] [--json]`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (subcommand(sub, ['sync', 'list']) === 'sync') {
      const f = parseFlags(rest, { values: ['waba-id'] })
      return runAdmin(
        io,
        f.json,
        async (s) => {
          const waba = f.value('waba-id')
          const ids = waba ? [waba] : (await listWabas(s.db)).map((w) => w.id)
          const out: SyncResult[] = []
          for (const id of ids) out.push(await syncTemplates(s, id, cliActor))
          return out
        },
        (all) =>
          all
            .map(
              (r) =>
                `WABA ${r.wabaId}: ${r.synced} templates (${Object.entries(r.byStatus)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ')})${r.deleted ? `, ${r.deleted} no longer at Meta` : ''}\n`,
            )
            .join('') || 'No WABAs.\n',
      )
    }
    const f = parseFlags(rest, { values: ['waba-id', 'status', 'name'] })
    return runAdmin(
      io,
      f.json,
      async (s) => {
        const waba = f.value('waba-id')
        return listTemplates(s.db, {
          wabaRowId: waba ? (await getWaba(s.db, waba)).id : undefined,
          status: f.value('status'),
          name: f.value('name'),
        })
      },
      (templates) =>
        templates.length === 0
          ? 'No templates. Run `wahub templates sync`.\n'
          : table([
              ['NAME', 'LANGUAGE', 'CATEGORY', 'STATUS', 'QUALITY'],
              ...templates.map((t) => [t.name, t.language, t.category, t.status, t.qualityScore]),
            ]),
    )
  },
}
