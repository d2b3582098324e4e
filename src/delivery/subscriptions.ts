import type { Selectable } from 'kysely'
import type { Vault } from '../channels/vault.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { WebhookSubscriptionsTable } from '../db/schema.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { eventFilters, unknownFilters } from './event-types.ts'
import { newSigningSecret } from './standard-webhooks.ts'

// A tenant's webhook subscriptions (SPEC §17, decision 0065): a URL, the events it wants (kinds
// and wildcards, event-types.ts) and its own signing secret, stored only as vault ciphertext and
// shown once (on create and rotate). The tenant's old single callback URL is one of them, flagged
// `legacy`: its secret lives under the tenant row's vault context (copied by migration 0028 and
// kept in step by callback-secret.ts) and its requests also carry X-Wahub-Signature-256.

export type Subscription = {
  id: string
  tenantId: string
  url: string
  description: string | null
  events: string[]
  legacy: boolean
  enabled: boolean
  disabledReason: string | null
  failingSince: number | null
  hasSecret: boolean
  createdAt: number
  updatedAt: number
}

export type SubscriptionInput = {
  url?: string
  description?: string | null
  events?: string[]
  enabled?: boolean
}

/** Plain http:// is accepted for loopback hosts always, and anywhere on a dev instance. */
export type UrlPolicy = { allowHttp: boolean }

/**
 * A dev instance is one whose WAHUB_PUBLIC_URL is unset or http:// (it is not serving over TLS
 * to the internet, so its subscribers need not either); production has an https public URL.
 */
export function urlPolicyOf(config: Pick<Config, 'publicUrl'>): UrlPolicy {
  return { allowHttp: !config.publicUrl?.startsWith('https:') }
}

export const maxSubscriptionsPerTenant = 20

function invalid(field: string, problem: string, message: string): WahubError {
  return new WahubError('validation_failed', `${field}: ${message}`, [{ field, problem }])
}

const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

export function checkSubscriptionUrl(url: string, policy: UrlPolicy): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalid('url', 'format', `"${url.slice(0, 100)}" is not a URL; give the full https:// address.`)
  }
  if (parsed.protocol === 'https:') return parsed.toString()
  if (parsed.protocol === 'http:' && (policy.allowHttp || loopback.test(parsed.hostname)))
    return parsed.toString()
  throw invalid(
    'url',
    'https required',
    'must be an https:// URL (plain http:// only for localhost, or on an instance without an https WAHUB_PUBLIC_URL).',
  )
}

function checkEvents(events: string[]): string[] {
  const unknown = unknownFilters(events)
  if (events.length === 0 || unknown.length > 0)
    throw invalid(
      'events',
      'unknown event type',
      `${unknown.length ? `${unknown.join(', ')} unknown; ` : 'name at least one; '}use ${eventFilters.join(', ')}.`,
    )
  return [...new Set(events)]
}

export function secretContext(row: { id: string; tenant_id: string; legacy: number }): string {
  return row.legacy
    ? `tenants.callback_secret_enc:${row.tenant_id}`
    : `webhook_subscriptions.secret_enc:${row.id}`
}

function toSubscription(r: Selectable<WebhookSubscriptionsTable>): Subscription {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events) as string[],
    legacy: r.legacy === 1,
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since === null ? null : Number(r.failing_since),
    hasSecret: r.secret_enc !== null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export async function listSubscriptions(db: Db, tenantId: string): Promise<Subscription[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(toSubscription)
}

export async function getSubscription(db: Db, tenantId: string, id: string): Promise<Subscription> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new WahubError('not_found', `No webhook subscription ${id}.`)
  return toSubscription(row)
}

export async function createSubscription(
  db: Db,
  vault: Vault,
  tenantId: string,
  input: SubscriptionInput & { url: string },
  policy: UrlPolicy,
): Promise<{ subscription: Subscription; secret: string }> {
  const url = checkSubscriptionUrl(input.url, policy)
  const events = checkEvents(input.events ?? ['*'])
  const count = await db
    .selectFrom('webhook_subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow()
  if (Number(count.n) >= maxSubscriptionsPerTenant)
    throw new WahubError(
      'conflict',
      `A tenant has at most ${maxSubscriptionsPerTenant} webhook subscriptions.`,
      undefined,
      'Remove one you no longer use, or widen the event filter of an existing one.',
    )
  const id = newId('whs')
  const secret = newSigningSecret()
  const now = Date.now()
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id,
      tenant_id: tenantId,
      url,
      description: input.description ?? null,
      events: JSON.stringify(events),
      secret_enc: vault.encrypt(secret, secretContext({ id, tenant_id: tenantId, legacy: 0 })),
      legacy: 0,
      enabled: input.enabled === false ? 0 : 1,
      disabled_reason: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .execute()
  return { subscription: await getSubscription(db, tenantId, id), secret }
}

export async function updateSubscription(
  db: Db,
  tenantId: string,
  id: string,
  input: SubscriptionInput,
  policy: UrlPolicy,
): Promise<Subscription> {
  const current = await getSubscription(db, tenantId, id)
  if (current.legacy && input.url !== undefined && input.url !== current.url)
    throw invalid(
      'url',
      'callback URL',
      "this subscription is the tenant's callback URL: change it with PATCH /api/v1/admin/tenants/{id} (callbackUrl) or `wahub tenant update --callback-url`.",
    )
  await db
    .updateTable('webhook_subscriptions')
    .set({
      ...(input.url !== undefined ? { url: checkSubscriptionUrl(input.url, policy) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify(checkEvents(input.events)) } : {}),
      // Enabling again clears the notice and the failure clock.
      ...(input.enabled === true ? { enabled: 1, disabled_reason: null, failing_since: null } : {}),
      ...(input.enabled === false ? { enabled: 0, disabled_reason: 'disabled by the tenant' } : {}),
      updated_at: Date.now(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute()
  return getSubscription(db, tenantId, id)
}

export async function removeSubscription(db: Db, tenantId: string, id: string): Promise<void> {
  const current = await getSubscription(db, tenantId, id)
  if (current.legacy)
    throw invalid(
      'id',
      'callback URL',
      "this subscription is the tenant's callback URL: clear it with callbackUrl null on the tenant (PATCH /api/v1/admin/tenants/{id}).",
    )
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_attempts').where('subscription_id', '=', id).execute()
    await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute()
    await trx
      .deleteFrom('webhook_subscriptions')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute()
  })
}

/** A new secret for a (non-legacy) subscription; the old one stops working at once. */
export async function rotateSubscriptionSecret(
  db: Db,
  vault: Vault,
  tenantId: string,
  id: string,
): Promise<string> {
  const current = await getSubscription(db, tenantId, id)
  const secret = newSigningSecret()
  const ciphertext = vault.encrypt(
    secret,
    secretContext({ id, tenant_id: tenantId, legacy: current.legacy ? 1 : 0 }),
  )
  await db
    .updateTable('webhook_subscriptions')
    .set({ secret_enc: ciphertext, updated_at: Date.now() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute()
  if (current.legacy)
    await db
      .updateTable('tenants')
      .set({ callback_secret_enc: ciphertext, updated_at: Date.now() })
      .where('id', '=', tenantId)
      .execute()
  return secret
}

export type SubscriptionTarget = {
  id: string
  tenantId: string
  url: string
  secret: string
  legacy: boolean
  enabled: boolean
  events: string[]
}

/** Where and how to post for one subscription now (creating a missing secret), or undefined when removed. */
export async function subscriptionTarget(
  db: Db,
  vault: Vault,
  tenantId: string,
  id: string,
): Promise<SubscriptionTarget | undefined> {
  let row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  if (!row.secret_enc) {
    // A legacy callback URL that never had a secret: create one unless another worker just did.
    const ciphertext = vault.encrypt(newSigningSecret(), secretContext(row))
    await db
      .updateTable('webhook_subscriptions')
      .set({ secret_enc: ciphertext })
      .where('id', '=', id)
      .where('secret_enc', 'is', null)
      .execute()
    if (row.legacy)
      await db
        .updateTable('tenants')
        .set({ callback_secret_enc: ciphertext })
        .where('id', '=', tenantId)
        .where('callback_secret_enc', 'is', null)
        .execute()
    row = await db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row?.secret_enc) return undefined
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    secret: vault.decrypt(row.secret_enc as string, secretContext(row)),
    legacy: row.legacy === 1,
    enabled: row.enabled === 1,
    events: JSON.parse(row.events) as string[],
  }
}

/** The id of a tenant's callback-URL subscription. */
export function legacySubscriptionId(tenantId: string): string {
  return `whs_cb_${tenantId}`
}

/**
 * The tenant's callback URL changed (admin API or CLI, after channels/ saved it on the tenant
 * row): its subscription follows — created with every event, moved, or removed.
 */
export async function syncTenantCallback(db: Db, tenantId: string, url: string | null): Promise<void> {
  const id = legacySubscriptionId(tenantId)
  if (url === null) {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_attempts').where('subscription_id', '=', id).execute()
      await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).execute()
      await trx.deleteFrom('webhook_subscriptions').where('id', '=', id).execute()
    })
    return
  }
  const tenant = await db
    .selectFrom('tenants')
    .select('callback_secret_enc')
    .where('id', '=', tenantId)
    .executeTakeFirst()
  const now = Date.now()
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id,
      tenant_id: tenantId,
      url,
      description: 'Callback URL',
      events: '["*"]',
      secret_enc: tenant?.callback_secret_enc ?? null,
      legacy: 1,
      enabled: 1,
      disabled_reason: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ url, updated_at: now }))
    .execute()
}

/** A failed attempt starts the failure clock (doctor warns after an hour); a success stops it. */
export async function noteOutcome(db: Db, id: string, ok: boolean, now = Date.now()): Promise<void> {
  if (ok) {
    await db
      .updateTable('webhook_subscriptions')
      .set({ failing_since: null })
      .where('id', '=', id)
      .where('failing_since', 'is not', null)
      .execute()
  } else {
    await db
      .updateTable('webhook_subscriptions')
      .set({ failing_since: now })
      .where('id', '=', id)
      .where('failing_since', 'is', null)
      .execute()
  }
}

/** Gave up on an event after every retry: the subscription stops receiving until enabled again. */
export async function disableSubscription(db: Db, id: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ enabled: 0, disabled_reason: reason.slice(0, 500), updated_at: Date.now() })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Enabled subscriptions of these tenants (for the pump), by tenant. */
export async function enabledSubscriptionsOf(
  db: Db,
  tenantIds: readonly string[],
): Promise<Map<string, { id: string; tenantId: string; events: string[] }[]>> {
  const out = new Map<string, { id: string; tenantId: string; events: string[] }[]>()
  if (tenantIds.length === 0) return out
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'tenant_id', 'events'])
    .where('tenant_id', 'in', [...new Set(tenantIds)])
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute()
  for (const r of rows) {
    const list = out.get(r.tenant_id) ?? []
    list.push({ id: r.id, tenantId: r.tenant_id, events: JSON.parse(r.events) as string[] })
    out.set(r.tenant_id, list)
  }
  return out
}
