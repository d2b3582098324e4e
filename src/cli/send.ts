import { findTenant } from '../channels/tenants-repo.ts'
import { createVault, loadVaultKeys } from '../channels/vault.ts'
import { checkVaultKey } from '../channels/vault-check.ts'
import { createGraphClient } from '../cloud-api/graph-client.ts'
import { connectDb } from '../db/connect.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { errorBody, WahubError } from '../errors.ts'
import { messageDetail, waitForAnswer } from '../messaging/message-view.ts'
import { createRateLanes } from '../messaging/rate-lanes.ts'
import { parseSendRequest } from '../messaging/send-checks.ts'
import { queueMessage } from '../messaging/send-service.ts'
import { createSendWorker } from '../messaging/send-worker.ts'
import { parseFlags, takeRepeated } from './admin-io.ts'
import { type CliCommand, exitCodes, UsageError } from './command.ts'
import { commandConfig, commandLogger } from './context.ts'
import { describeFileResults, sendFile } from './send-file.ts'
import { templateComponents } from './send-template.ts'
import { expectedFlags } from './template-print.ts'

const headerFlags = ['header-text', 'header-image', 'header-video', 'header-document']

// `wahub send`: one message through the same service as POST /api/v1/messages (policy,
// outbox, rate lanes), then a send worker in this process until Meta has answered — the
// test-send script of seed 000 and the curl of seed 001 as one command. Prints the result, or
// the explained error (Wahub's code and fix, or Meta's code with the catalogue's explanation).

const usage = `wahub send --from PNID --to NUMBER (--text TEXT | --template NAME --lang LANG [--param VALUE]…)
           [--header-text VALUE | --header-image URL|MEDIA_ID | --header-video … | --header-document …]
           [--button INDEX=VALUE]… [--tenant NAME] [--wait SECONDS] [--json]
       wahub send --file MESSAGES.ndjson [--tenant NAME] [--json]

  --from      Meta's phone_number_id to send from (its tenant sends); without it, --tenant's default number
  --to        the recipient: +34612345678, 34612345678, or a national number with the tenant's default country
  --text      a text message (needs the customer's 24-hour window open)
  --template  an approved template; --lang is its exact language (es, en_US…); each --param fills the
              next body parameter, in order, or names it (--param customer_name=Sheena) in a NAMED template
  --header-*  the header's parameter: a text, or an image/video/document by URL or uploaded media id
  --button    the parameter of button INDEX: a URL's variable, a copy-code coupon, a quick reply payload
              (\`wahub templates show --name NAME\` prints what a template expects)
  --wait      seconds to wait for Meta's answer (default 30)
  --file      many messages: one JSON object a line, each the body of POST /api/v1/messages (with
              "from" or --tenant) plus an optional "idempotency_key"; queued in bulk (1,000 a
              transaction) for a running \`wahub serve\` to send; prints each refused line and the counts
Exit code 0 when Meta accepted the message (--file: when every line was queued), 1 when refused or failed.`

export const sendCommand: CliCommand = {
  name: 'send',
  summary: 'Send one message (text or template) and print the result or the explained error',
  usage,
  async run(argv, io) {
    const { rest, taken } = takeRepeated(argv, ['param', 'button'])
    const { param: params, button: buttons } = taken
    const f = parseFlags(rest, {
      values: ['from', 'to', 'text', 'template', 'lang', 'tenant', 'wait', 'file', ...headerFlags],
    })
    const file = f.value('file')
    if (file !== undefined) return sendFileCommand(io, file, f.value('tenant'), f.json)
    const media = (['image', 'video', 'document'] as const).find((k) => f.value(`header-${k}`) !== undefined)
    const to = f.required('to')
    const text = f.value('text')
    const template = f.value('template')
    if ((text === undefined) === (template === undefined))
      throw new UsageError('give either --text or --template')
    if (template && !f.value('lang'))
      throw new UsageError('--template needs --lang (the exact language, e.g. es or en_US)')
    const templateOnly =
      params.length > 0 || buttons.length > 0 || headerFlags.some((h) => f.value(h) !== undefined)
    if (templateOnly && !template) throw new UsageError('--param, --button and --header-* go with --template')
    const from = f.value('from')
    if (!from && !f.value('tenant')) throw new UsageError('give --from (a phone_number_id) or --tenant')
    const waitSeconds = Number(f.value('wait') ?? 30)
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0)
      throw new UsageError('--wait must be a number of seconds')

    const config = commandConfig(io)
    const log = commandLogger(config)
    const handle = await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
    try {
      await migrateToLatest(handle)
      const keys = loadVaultKeys(config)
      const vault = createVault(keys.current, keys.previous)
      await checkVaultKey(handle.db, vault)
      const db = handle.db
      const ctx = { db, vault, graph: createGraphClient(), config, log }
      try {
        const tenantId = await tenantFor(db, f.value('tenant'), from)
        const components = template
          ? await templateComponents(db, tenantId, template, f.value('lang') as string, {
              params,
              buttons,
              headerText: f.value('header-text'),
              headerMedia: media ? { kind: media, value: f.value(`header-${media}`) as string } : undefined,
            })
          : []
        const request = parseSendRequest({
          ...(from ? { from } : {}),
          to,
          ...(text !== undefined
            ? { type: 'text', text: { body: text } }
            : {
                type: 'template',
                template: {
                  name: template,
                  language: f.value('lang'),
                  ...(components.length > 0 ? { components } : {}),
                },
              }),
        })
        const queued = await queueMessage(ctx, {
          tenantId,
          request,
          source: { source: 'cli', createdBy: 'cli' },
        })
        const id = queued.body.id
        // A worker in this process sends it now (a running `wahub serve` may take it first).
        const lanes = createRateLanes(db, log)
        const runner = createSendWorker({ handle, ctx, lanes, concurrency: 4, claimBatch: 1, pollMs: 50 })
        runner.start()
        let status: string
        try {
          status = await waitForAnswer(db, id, waitSeconds * 1000)
        } finally {
          await runner.stop()
        }
        const detail = await messageDetail(db, tenantId, id)
        const row = detail.row
        if (f.json) {
          io.stdout(
            `${JSON.stringify(
              {
                id,
                status: row.status,
                from: detail.from,
                to: detail.to,
                wamid: row.wamid,
                error:
                  row.error_code === null && row.error_title === null
                    ? null
                    : {
                        code: row.error_code,
                        title: row.error_title,
                        details: row.error_details,
                        explanation: row.error_explanation,
                      },
                statusReason: detail.statusReason,
              },
              null,
              2,
            )}\n`,
          )
        } else io.stdout(describe(id, status, detail))
        return ['sent', 'delivered', 'read'].includes(row.status) ? exitCodes.ok : exitCodes.failed
      } catch (err) {
        if (!(err instanceof WahubError)) throw err
        if (f.json) io.stdout(`${JSON.stringify(errorBody(err), null, 2)}\n`)
        io.stderr(`error (${err.code}): ${err.message}\nfix: ${err.fix}\n`)
        if (err.code === 'window_closed') {
          const templates =
            (err.details as { templates?: { name: string; language: string }[] })?.templates ?? []
          if (templates.length > 0)
            io.stderr(`approved templates: ${templates.map((t) => `${t.name} (${t.language})`).join(', ')}\n`)
        }
        if (err.code === 'template_params_mismatch') {
          const d = err.details as { problems?: string[]; expected?: Parameters<typeof expectedFlags>[0] }
          for (const p of d?.problems ?? []) io.stderr(`  - ${p}\n`)
          if (d?.expected)
            io.stderr(
              `expected parameters:\n${expectedFlags(d.expected)
                .map((l) => `  ${l}\n`)
                .join('')}`,
            )
        }
        return exitCodes.failed
      }
    } finally {
      await handle.close()
    }
  },
}

/** `--file`: the lines queued in bulk, each refusal printed; exit 0 only when all were queued. */
async function sendFileCommand(
  io: Parameters<CliCommand['run']>[1],
  file: string,
  tenant: string | undefined,
  json: boolean,
): Promise<number> {
  const config = commandConfig(io)
  const log = commandLogger(config)
  const handle = await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(handle)
    const keys = loadVaultKeys(config)
    const vault = createVault(keys.current, keys.previous)
    await checkVaultKey(handle.db, vault)
    const db = handle.db
    const ctx = { db, vault, graph: createGraphClient(), config, log, caps: handle.caps }
    const results = await sendFile(ctx, file, async (from) => {
      if (!tenant && !from)
        throw new WahubError(
          'bad_request',
          'This line has no `from`: give it one, or name the tenant with --tenant.',
        )
      return tenantFor(db, tenant, from)
    })
    if (json) io.stdout(results.map((r) => `${JSON.stringify(r)}\n`).join(''))
    else io.stdout(describeFileResults(results))
    return results.every((r) => r.ok) ? exitCodes.ok : exitCodes.failed
  } finally {
    await handle.close()
  }
}

async function tenantFor(
  db: Parameters<typeof findTenant>[0],
  tenant: string | undefined,
  from: string | undefined,
) {
  if (tenant) return (await findTenant(db, tenant)).id
  const row = await db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select(['p.tenant_id', 'w.tenant_id as waba_tenant_id'])
    .where((eb) => eb.or([eb('p.phone_number_id', '=', from as string), eb('p.id', '=', from as string)]))
    .executeTakeFirst()
  if (!row) {
    throw new WahubError(
      'not_found',
      `No phone number ${from}.`,
      undefined,
      'List numbers with `wahub number list`.',
    )
  }
  const id = row.tenant_id ?? row.waba_tenant_id
  if (!id) {
    throw new WahubError(
      'number_not_allowed',
      `Phone number ${from} is not assigned to a tenant.`,
      { from },
      'Assign it (`wahub tenant update --name <tenant> --number <id>`) or name the tenant with --tenant.',
    )
  }
  return id
}

function describe(id: string, status: string, d: Awaited<ReturnType<typeof messageDetail>>): string {
  const row = d.row
  const head = `Message ${id} from ${d.from} to ${d.to}: ${row.status}`
  if (['sent', 'delivered', 'read'].includes(row.status)) return `${head} (Meta accepted it: ${row.wamid})\n`
  if (row.status === 'failed') {
    const code = row.error_code === null ? '' : `(#${row.error_code}) `
    return `${head}\n  error: ${code}${row.error_title ?? ''}${row.error_details ? ` — ${row.error_details}` : ''}\n  ${row.error_explanation ?? d.statusReason ?? ''}\n`
  }
  if (row.status === 'unknown') return `${head}\n  ${d.statusReason ?? ''}\n`
  return `${head}: Meta has not answered yet (${status}); a running \`wahub serve\` sends it. Check with GET /api/v1/messages/${id}.\n`
}
