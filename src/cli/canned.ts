import { findTenant } from '../channels/tenants-repo.ts'
import {
  cannedVariables,
  createCannedReply,
  listCannedReplies,
  removeCannedReply,
  updateCannedReply,
} from '../inbox/canned-replies.ts'
import { cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

// A tenant's canned replies (team inbox, docs/TEAM-INBOX.md), e.g. loaded by a setup script.

export const cannedCommand: CliCommand = {
  name: 'canned',
  summary: "A tenant's canned replies (/shortcut in the inbox composer): list, add, update, remove",
  usage: `wahub canned list --tenant NAME [--json]
wahub canned add --tenant NAME --shortcut SHORTCUT --body TEXT [--json]
wahub canned update --tenant NAME --shortcut SHORTCUT [--rename NEW] [--body TEXT] [--json]
wahub canned remove --tenant NAME --shortcut SHORTCUT [--json]
    TEXT may hold ${cannedVariables.map((v) => `{{${v}}}`).join(', ')}.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const f = parseFlags(rest, { values: ['tenant', 'shortcut', 'body', 'rename'] })
    const tenant = f.required('tenant')
    const tenantId = async (db: Parameters<typeof findTenant>[0]) => (await findTenant(db, tenant)).id
    switch (subcommand(sub, ['list', 'add', 'update', 'remove'])) {
      case 'list':
        return runAdmin(
          io,
          f.json,
          async (s) => ({ cannedReplies: await listCannedReplies(s.db, await tenantId(s.db)) }),
          ({ cannedReplies }) =>
            cannedReplies.length === 0
              ? `No canned replies. Add one with \`wahub canned add --tenant ${tenant} --shortcut hours --body 'We open at 9.'\`.\n`
              : table([
                  ['SHORTCUT', 'BODY'],
                  ...cannedReplies.map((r) => [`/${r.shortcut}`, r.body.replace(/\s+/g, ' ')]),
                ]),
        )
      case 'add': {
        const input = { shortcut: f.required('shortcut'), body: f.required('body') }
        return runAdmin(
          io,
          f.json,
          async (s) => createCannedReply(s.db, await tenantId(s.db), input, cliActor),
          (r) => `Canned reply /${r.shortcut} added.\n`,
        )
      }
      case 'update': {
        const shortcut = f.required('shortcut')
        const input = { shortcut: f.value('rename'), body: f.value('body') }
        return runAdmin(
          io,
          f.json,
          async (s) => updateCannedReply(s.db, await tenantId(s.db), shortcut, input),
          (r) => `Canned reply /${r.shortcut} updated.\n`,
        )
      }
      default: {
        const shortcut = f.required('shortcut')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeCannedReply(s.db, await tenantId(s.db), shortcut)
            return { removed: shortcut }
          },
          () => `Canned reply /${shortcut} removed.\n`,
        )
      }
    }
  },
}
