import { findTenant } from '../channels/tenants-repo.ts'
import { sendTestEvent } from '../delivery/deliver-job.ts'
import { listAttempts } from '../delivery/delivery-log.ts'
import { eventFilters } from '../delivery/event-types.ts'
import { redeliver } from '../delivery/redeliver.ts'
import {
  createSubscription,
  listSubscriptions,
  removeSubscription,
  rotateSubscriptionSecret,
  type Subscription,
  updateSubscription,
  urlPolicyOf,
} from '../delivery/subscriptions.ts'
import { parseFlags, runAdmin, subcommand, table } from './admin-io.ts'
import { type CliCommand, UsageError } from './command.ts'

// A tenant's webhook subscriptions (docs/INTEGRATIONS.md), e.g. set up by a deploy script.

function describe(s: Subscription): string {
  const state = s.enabled ? (s.failingSince ? 'FAILING' : 'enabled') : `DISABLED (${s.disabledReason ?? ''})`
  return `Subscription ${s.id}: ${s.url} [${s.events.join(', ')}] ${state}${s.legacy ? ' (the callback URL)' : ''}\n`
}

function sinceOf(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(ms))
    throw new UsageError(`--failed-since: "${value}" is neither epoch ms nor an ISO time`)
  return ms
}

export const subscriptionCommand: CliCommand = {
  name: 'subscription',
  summary: "A tenant's webhook subscriptions: list, add, update, remove, rotate, test, attempts, redeliver",
  usage: `wahub subscription list --tenant NAME [--json]
wahub subscription add --tenant NAME --url URL [--event TYPE…] [--description TEXT] [--json]
    Prints the signing secret (whsec_…) once. TYPE: ${eventFilters.join(', ')} (default *).
wahub subscription update --tenant NAME --id ID [--url URL] [--event TYPE…] [--description TEXT] [--enable|--disable] [--json]
wahub subscription remove --tenant NAME --id ID [--json]
wahub subscription rotate --tenant NAME --id ID [--json]     a new secret, printed once
wahub subscription test --tenant NAME --id ID [--json]       POST a signed webhook.test now
wahub subscription attempts --tenant NAME --id ID [--failed] [--json]   the delivery log
wahub subscription redeliver --tenant NAME --id ID (--delivery DELIVERY_ID | --failed-since TIME) [--json]
    TIME: ISO (2026-12-04T09:00Z) or epoch ms.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    const f = parseFlags(rest, {
      values: ['tenant', 'id', 'url', 'description', 'delivery', 'failed-since'],
      lists: ['event'],
      booleans: ['enable', 'disable', 'failed'],
    })
    const tenant = f.required('tenant')
    const tenantId = async (db: Parameters<typeof findTenant>[0]) => (await findTenant(db, tenant)).id
    switch (subcommand(sub, ['list', 'add', 'update', 'remove', 'rotate', 'test', 'attempts', 'redeliver'])) {
      case 'list':
        return runAdmin(
          io,
          f.json,
          async (s) => ({ subscriptions: await listSubscriptions(s.db, await tenantId(s.db)) }),
          ({ subscriptions }) =>
            subscriptions.length === 0
              ? `No webhook subscriptions. Add one with \`wahub subscription add --tenant ${tenant} --url https://example.com/hook --event 'message.*'\`.\n`
              : table([
                  ['ID', 'URL', 'EVENTS', 'STATE'],
                  ...subscriptions.map((s) => [
                    s.id,
                    s.url,
                    s.events.join(','),
                    s.enabled ? (s.failingSince ? 'failing' : 'enabled') : 'disabled',
                  ]),
                ]),
        )
      case 'add': {
        const input = { url: f.required('url'), events: f.list('event'), description: f.value('description') }
        return runAdmin(
          io,
          f.json,
          async (s) => createSubscription(s.db, s.vault, await tenantId(s.db), input, urlPolicyOf(s.config)),
          (r) => `${describe(r.subscription)}Signing secret (shown once): ${r.secret}\n`,
        )
      }
      case 'update': {
        const input = {
          url: f.value('url'),
          events: f.list('event'),
          description: f.value('description'),
          enabled: f.has('enable') ? true : f.has('disable') ? false : undefined,
        }
        return runAdmin(
          io,
          f.json,
          async (s) =>
            updateSubscription(s.db, await tenantId(s.db), f.required('id'), input, urlPolicyOf(s.config)),
          describe,
        )
      }
      case 'remove': {
        const id = f.required('id')
        return runAdmin(
          io,
          f.json,
          async (s) => {
            await removeSubscription(s.db, await tenantId(s.db), id)
            return { removed: id }
          },
          () => `Subscription ${id} removed.\n`,
        )
      }
      case 'rotate':
        return runAdmin(
          io,
          f.json,
          async (s) => ({
            secret: await rotateSubscriptionSecret(s.db, s.vault, await tenantId(s.db), f.required('id')),
          }),
          (r) => `New signing secret (shown once; the old one no longer verifies): ${r.secret}\n`,
        )
      case 'test':
        return runAdmin(
          io,
          f.json,
          async (s) => sendTestEvent(s.db, s.vault, await tenantId(s.db), f.required('id')),
          (a) =>
            a.ok
              ? `Test event delivered: HTTP ${a.httpStatus} in ${a.latencyMs} ms.\n`
              : `Test event failed: ${a.error}${a.responseExcerpt ? ` — ${a.responseExcerpt}` : ''}\n`,
          (a) => (a.ok ? 0 : 1),
        )
      case 'attempts':
        return runAdmin(
          io,
          f.json,
          async (s) => ({
            attempts: await listAttempts(s.db, await tenantId(s.db), f.required('id'), {
              failedOnly: f.has('failed'),
            }),
          }),
          ({ attempts }) =>
            table([
              ['AT', 'EVENT', 'TYPE', 'HTTP', 'MS', 'ANSWER / ERROR'],
              ...attempts.map((a) => [
                new Date(a.at).toISOString(),
                a.eventId,
                a.eventKind,
                a.httpStatus,
                a.latencyMs,
                (a.error ?? a.responseExcerpt ?? '').replace(/\s+/g, ' ').slice(0, 60),
              ]),
            ]),
        )
      default: {
        const delivery = f.value('delivery')
        const since = f.value('failed-since')
        if (!delivery && !since) throw new UsageError('redeliver needs --delivery ID or --failed-since TIME')
        return runAdmin(
          io,
          f.json,
          async (s) => ({
            queued: await redeliver(
              s.db,
              await tenantId(s.db),
              f.required('id'),
              delivery ? { deliveryId: delivery } : { failedSince: sinceOf(since ?? '') },
            ),
          }),
          ({ queued }) => `${queued.length} deliveries queued again.\n`,
        )
      }
    }
  },
}
