import { findTenant } from '../channels/tenants-repo.ts'
import { createLabel, listLabels, removeLabel, updateLabel } from '../inbox/labels-repo.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

// A tenant's conversation labels (team inbox, docs/TEAM-INBOX.md).

export const labelCommand: CliCommand = {
  name: 'label',
  summary: "A tenant's conversation labels: list, add, update, remove",
  usage: `wahub label list --tenant NAME [--json]
wahub label add --tenant NAME --name LABEL --color '#RRGGBB' [--json]
wahub label update --tenant NAME --label LABEL [--name NEW] [--color '#RRGGBB'] [--json]
wahub label remove --tenant NAME --label LABEL [--json]
    LABEL is the label's id or name; removing a label takes it off every conversation.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const flags = { values: ['tenant', 'name', 'color', 'label'] }
    const f = parseFlags(rest, flags)
    const tenant = f.required('tenant')
    switch (subcommand(sub, ['list', 'add', 'update', 'remove'])) {
      case 'list':
        return runAdmin(
          io,
          f.json,
          async (s) => ({ labels: await listLabels(s.db, (await findTenant(s.db, tenant)).id) }),
          ({ labels }) =>
            labels.length === 0
              ? `No labels. Add one with \`wahub label add --tenant ${tenant} --name VIP --color '#e53935'\`.\n`
              : table([['ID', 'NAME', 'COLOR'], ...labels.map((l) => [l.id, l.name, l.color])]),
        )
      case 'add': {
        const input = { name: f.required('name'), color: f.required('color') }
        return runAdmin(
          io,
          f.json,
          async (s) => createLabel(s.db, (await findTenant(s.db, tenant)).id, input),
          (l) => `Label ${l.name} (${l.color}) added: ${l.id}\n`,
        )
      }
      case 'update': {
        const label = f.required('label')
        const input = { name: f.value('name'), color: f.value('color') }
        return runAdmin(
          io,
          f.json,
          async (s) => updateLabel(s.db, (await findTenant(s.db, tenant)).id, label, input),
          (l) => `Label ${l.name} (${l.color}) updated.\n`,
        )
      }
      default: {
        const label = f.required('label')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeLabel(s.db, (await findTenant(s.db, tenant)).id, label)
            return { removed: label }
          },
          () => `Label ${label} removed.\n`,
        )
      }
    }
  },
}
