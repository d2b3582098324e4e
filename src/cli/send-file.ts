import fs from 'node:fs'
import { WahubError } from '../errors.ts'
import type { MessagingContext } from '../messaging/context.ts'
import { checkKey } from '../messaging/idempotency.ts'
import { parseSendRequest } from '../messaging/send-checks.ts'
import { refusedField } from '../messaging/send-prepare.ts'
import { type EnqueueItem, enqueueMany, maxBulkItems } from '../messaging/send-service.ts'
import { UsageError } from './command.ts'

// `wahub send --file messages.ndjson`: one JSON object a line, each the body of
// POST /api/v1/messages plus an optional `idempotency_key` (decision 0075), queued through
// enqueueMany 1,000 lines at a time. Queues only: a running `wahub serve` sends them. Prints
// one line per refused message (its line number and field), then the counts; with --json one
// JSON result per input line.

export type FileLineResult =
  | { line: number; ok: true; id: string; to: string; replayed: boolean }
  | { line: number; ok: false; field: string | null; error: { code: string; message: string; fix: string } }

type Parsed = { line: number; item: EnqueueItem; tenant?: string }

function readLines(file: string): { line: number; text: string }[] {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read --file ${file}: ${(err as Error).message}`)
  }
  return text
    .split('\n')
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '')
}

function refusal(line: number, err: WahubError): FileLineResult {
  const field = refusedField(err)
  return {
    line,
    ok: false,
    field: field ?? null,
    error: { code: err.code, message: err.message, fix: err.fix },
  }
}

/** Queues every line of `file` for the tenant `tenantOf` names; one result per line, in order. */
export async function sendFile(
  ctx: MessagingContext,
  file: string,
  tenantOf: (from: string | undefined) => Promise<string>,
): Promise<FileLineResult[]> {
  const results: FileLineResult[] = []
  const parsed: Parsed[] = []
  for (const { line, text } of readLines(file)) {
    try {
      let raw: unknown
      try {
        raw = JSON.parse(text)
      } catch (err) {
        throw new WahubError('invalid_json', `Line ${line} is not JSON: ${(err as Error).message}.`)
      }
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        throw new WahubError('validation_failed', `Line ${line} is not a JSON object.`, [
          { field: 'body', problem: 'must be an object' },
        ])
      const { idempotency_key: key, ...body } = raw as Record<string, unknown>
      const request = parseSendRequest(body)
      parsed.push({
        line,
        item: { request, idempotencyKey: typeof key === 'string' ? checkKey(key) : undefined },
      })
    } catch (err) {
      if (!(err instanceof WahubError)) throw err
      results.push(refusal(line, err))
    }
  }
  // Grouped by tenant (each line's `from` decides it when no --tenant), 1,000 per call.
  const byTenant = new Map<string, Parsed[]>()
  const tenants = new Map<string, Promise<string>>()
  for (const p of parsed) {
    try {
      const from = p.item.request.from
      let tenant = tenants.get(from ?? '')
      if (!tenant) {
        tenant = tenantOf(from)
        tenant.catch(() => {})
        tenants.set(from ?? '', tenant)
      }
      const tenantId = await tenant
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), p])
    } catch (err) {
      if (!(err instanceof WahubError)) throw err
      results.push(refusal(p.line, err))
    }
  }
  for (const [tenantId, list] of byTenant) {
    for (let i = 0; i < list.length; i += maxBulkItems) {
      const chunk = list.slice(i, i + maxBulkItems)
      const outcomes = await enqueueMany(ctx, {
        tenantId,
        items: chunk.map((p) => p.item),
        source: { source: 'cli', createdBy: 'cli' },
      })
      for (const [n, o] of outcomes.entries()) {
        const line = chunk[n].line
        results.push(
          o.ok
            ? { line, ok: true, id: o.answer.body.id, to: o.answer.body.to, replayed: o.answer.replayed }
            : refusal(line, o.error),
        )
      }
    }
  }
  return results.sort((a, b) => a.line - b.line)
}

/** The human summary: each refusal, then the counts. */
export function describeFileResults(results: readonly FileLineResult[]): string {
  const lines = results
    .filter((r): r is Extract<FileLineResult, { ok: false }> => !r.ok)
    .map(
      (r) =>
        `line ${r.line}: error (${r.error.code})${r.field ? ` in ${r.field}` : ''}: ${r.error.message}\n  fix: ${r.error.fix}\n`,
    )
  const queued = results.filter((r) => r.ok).length
  return `${lines.join('')}Queued ${queued} of ${results.length} messages (${results.length - queued} refused); a running \`wahub serve\` sends them.\n`
}
