import { WahubError } from '../errors.ts'
import {
  listEvents,
  loadEvent,
  replayEvents,
  type WebhookOutcome,
  webhookOutcomes,
} from '../webhooks/events-repo.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import type { CliCommand } from './command.ts'

const outcomes = webhookOutcomes

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'List, show and replay the raw webhooks Meta delivered',
  usage: `wahub events list [--outcome pending|processed|unrouted|rejected|failed] [--limit N] [--json]
    The newest webhooks first, with what became of each (unrouted ones name the
    phone_number_id Wahub did not know).
wahub events show --id EVENT_ID [--json]
    One webhook with its raw body exactly as Meta sent it.
wahub events replay (--unrouted | --id EVENT_ID…) [--json]
    Processes events again: the unrouted ones (after adding or assigning their number), or the
    given ids. Replaying is safe: a message or status already stored is not stored twice.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const which = subcommand(sub, ['list', 'show', 'replay'])
    if (which === 'list') {
      const f = parseFlags(rest, { values: ['outcome', 'limit'] })
      const outcome = f.value('outcome') as WebhookOutcome | undefined
      if (outcome && !outcomes.includes(outcome)) {
        throw new WahubError('bad_request', `--outcome must be one of ${outcomes.join(', ')}`)
      }
      const limit = Number(f.value('limit') ?? 20)
      return runAdmin(
        io,
        f.json,
        (s) => listEvents(s.db, { outcome, limit }),
        (events) =>
          events.length === 0
            ? outcome
              ? `No ${outcome} webhook among the stored ones.\n`
              : 'No webhooks received yet.\n'
            : table([
                ['id', 'received', 'outcome', 'types', 'phone_number_ids', 'reason'],
                ...events.map((e) => [
                  e.id,
                  new Date(e.receivedAt).toISOString(),
                  e.outcome,
                  e.types.join(',') || '-',
                  e.phoneNumberIds.join(',') || '-',
                  e.outcomeReason ?? '',
                ]),
              ]),
      )
    }
    if (which === 'show') {
      const f = parseFlags(rest, { values: ['id'] })
      const id = f.required('id')
      return runAdmin(
        io,
        f.json,
        async (s) => {
          const event = await loadEvent(s.db, id)
          if (!event) throw new WahubError('not_found', `No webhook event ${id}.`)
          const { body, ...rest } = event
          return { ...rest, body: body.toString('utf8') }
        },
        (e) =>
          `${e.id}  received ${new Date(e.receivedAt).toISOString()}  ${e.outcome}${e.outcomeReason ? ` (${e.outcomeReason})` : ''}\n${e.body}\n`,
      )
    }
    const f = parseFlags(rest, { lists: ['id'], booleans: ['unrouted'] })
    const ids = f.list('id')
    if (!ids && !f.has('unrouted')) throw new WahubError('bad_request', 'say --unrouted or --id EVENT_ID')
    return runAdmin(
      io,
      f.json,
      async (s) => ({ replayed: await replayEvents(s.db, ids ? { ids } : { unrouted: true }) }),
      (r) =>
        r.replayed.length === 0
          ? 'Nothing to replay.\n'
          : `Queued ${r.replayed.length} event(s) for processing; a running \`wahub serve\` processes them now.\n`,
    )
  },
}
