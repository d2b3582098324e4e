import { getWaba, listWabas } from '../channels/wabas.ts'
import { WahubError } from '../errors.ts'
import { createTemplate, deleteTemplate } from '../templates/authoring.ts'
import { describeExpectation, expectationOf } from '../templates/params.ts'
import { renderTemplatePreview } from '../templates/preview.ts'
import { type SyncResult, syncTemplates } from '../templates/sync.ts'
import { findTemplate, listTemplates, type StoredTemplate } from '../templates/templates-repo.ts'
import { type AdminSession, cliActor, parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'
import { createUsage, createValues, draftFromFlags, takeCreateLists } from './template-draft.ts'
import { expectedFlags, previewText } from './template-print.ts'

/** --waba-id, or the only WABA there is. */
async function wabaOf(s: AdminSession, given: string | undefined): Promise<string> {
  if (given) return given
  const all = await listWabas(s.db)
  if (all.length === 1) return all[0].id
  throw new WahubError(
    'bad_request',
    all.length === 0
      ? 'No WABA: add one with `wahub waba add`.'
      : 'There are several WABAs: name one with --waba-id.',
    {
      wabas: all.map((w) => w.wabaId),
    },
  )
}

/** --id, or --name (+ --lang) in the WABA. */
async function templateOf(s: AdminSession, f: ReturnType<typeof parseFlags>): Promise<StoredTemplate> {
  const id = f.value('id')
  if (id) {
    const t = await findTemplate(s.db, id)
    if (t) return t
    throw new WahubError(
      'not_found',
      `No template ${id}.`,
      { id },
      'List templates with `wahub templates list`.',
    )
  }
  const name = f.required('name')
  const waba = await getWaba(s.db, await wabaOf(s, f.value('waba-id')))
  const lang = f.value('lang')
  const found = (await listTemplates(s.db, { wabaRowId: waba.id, name })).filter(
    (t) => t.status !== 'DELETED' && (!lang || t.language === lang),
  )
  if (found.length === 1) return found[0]
  throw new WahubError(
    'not_found',
    found.length === 0
      ? `No template ${name}${lang ? ` (${lang})` : ''}.`
      : `Template ${name} exists in ${found.map((t) => t.language).join(', ')}: add --lang.`,
    { name, languages: found.map((t) => t.language) },
    'List templates with `wahub templates list`.',
  )
}

function describeTemplate(t: StoredTemplate): string {
  const preview = renderTemplatePreview(t.components)
  const reason = t.rejectedReason ? ` (${t.rejectedReason})` : ''
  const send = expectedFlags(describeExpectation(expectationOf(t)))
  return `${t.name} (${t.language})  ${t.category ?? '-'}  ${t.status}${reason}  quality ${t.qualityScore ?? '-'}  id ${t.id}${t.metaTemplateId ? ` / Meta ${t.metaTemplateId}` : ''}
${previewText(preview)}
send with: wahub send --template ${t.name} --lang ${t.language} …
${send.map((l) => `  ${l}`).join('\n')}
`
}

export const templatesCommand: CliCommand = {
  name: 'templates',
  summary: 'Message templates: create, show, delete, sync from Meta, list',
  usage: `wahub templates sync [--waba-id ID] [--json]      every WABA by default
wahub templates list [--waba-id ID] [--status APPROVED] [--name NAME] [--json]
wahub templates show (--id ID | --name NAME [--lang LANG]) [--waba-id ID] [--json]
wahub templates delete (--id ID | --name NAME [--lang LANG]) [--all-languages] [--waba-id ID] [--json]
${createUsage}`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const which = subcommand(sub, ['sync', 'list', 'create', 'show', 'delete'])
    if (which === 'create') {
      const { rest: flags, taken } = takeCreateLists(rest)
      const f = parseFlags(flags, {
        values: createValues,
        booleans: ['named', 'header-location', 'security-recommendation'],
      })
      const draft = draftFromFlags(f, taken, io.cwd)
      return runAdmin(
        io,
        f.json,
        async (s) => createTemplate(s, await wabaOf(s, f.value('waba-id')), draft, cliActor),
        (t) => `Submitted to Meta for review:\n${describeTemplate(t)}`,
      )
    }
    if (which === 'show' || which === 'delete') {
      const f = parseFlags(rest, { values: ['id', 'name', 'lang', 'waba-id'], booleans: ['all-languages'] })
      if (which === 'show') return runAdmin(io, f.json, (s) => templateOf(s, f), describeTemplate)
      return runAdmin(
        io,
        f.json,
        async (s) =>
          deleteTemplate(s, (await templateOf(s, f)).id, { allLanguages: f.has('all-languages') }, cliActor),
        (r) => `Deleted ${r.name} at Meta (${r.deleted} language${r.deleted === 1 ? '' : 's'}).\n`,
      )
    }
    if (which === 'sync') {
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
              ['NAME', 'LANGUAGE', 'CATEGORY', 'STATUS', 'REASON', 'QUALITY', 'LAST USED'],
              ...templates.map((t) => [
                t.name,
                t.language,
                t.category,
                t.status,
                t.rejectedReason && t.rejectedReason !== 'NONE' ? t.rejectedReason : '',
                t.qualityScore,
                t.lastUsedAt ? new Date(t.lastUsedAt).toISOString().slice(0, 16).replace('T', ' ') : 'never',
              ]),
            ]),
    )
  },
}
