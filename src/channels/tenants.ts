import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { newId } from '../ids.ts'
import { recordAudit } from './audit-repo.ts'
import type { Actor } from './context.ts'
import { findNumber } from './numbers-repo.ts'
import { announceRoutable } from './routing.ts'
import { findTenant, type TenantRow } from './tenants-repo.ts'

// Tenants: a name, the numbers handed to them, their default number, enabled/disabled and
// WhatsApp on/off. Numbers are handed out by the operator; a number belongs to at most one
// tenant (seed 001: one master account, a number per bakery).

export type TenantNumberRef = { id: string; phoneNumberId: string; displayPhoneNumber: string | null }

export type Tenant = {
  id: string
  name: string
  enabled: boolean
  whatsappEnabled: boolean
  /** Round-robin assignment of conversations among available agents (SPEC §13). */
  autoAssign: boolean
  /** Our id of the default number (phone_numbers.id), or null: the global default applies. */
  defaultNumberId: string | null
  numbers: TenantNumberRef[]
  callbackUrl: string | null
  createdAt: number
  updatedAt: number
}

export type TenantInput = {
  name?: string
  enabled?: boolean
  whatsappEnabled?: boolean
  autoAssign?: boolean
  /** Numbers to assign: our ids or Meta's phone_number_ids. */
  numbers?: string[]
  /** Numbers to take away from the tenant. */
  removeNumbers?: string[]
  /** Default number (assigned if it is not yet); null clears it. */
  defaultNumber?: string | null
  callbackUrl?: string | null
}

function checkName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length < 1 || trimmed.length > 100 || [...trimmed].some((c) => c.charCodeAt(0) < 32)) {
    throw new WahubError('validation_failed', 'name must be 1 to 100 printable characters.', [
      { field: 'name', problem: 'must be 1 to 100 printable characters' },
    ])
  }
  return trimmed
}

function checkCallbackUrl(url: string | null | undefined): void {
  if (url === null || url === undefined) return
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new WahubError('validation_failed', 'callbackUrl must be an http(s) URL.', [
      { field: 'callbackUrl', problem: 'must be an http(s) URL' },
    ])
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new WahubError('validation_failed', 'callbackUrl must be an http(s) URL.', [
      { field: 'callbackUrl', problem: 'must be an http(s) URL' },
    ])
  }
}

async function toTenant(db: Db, row: TenantRow): Promise<Tenant> {
  const numbers = await db
    .selectFrom('phone_numbers')
    .select(['id', 'phone_number_id', 'display_phone_number'])
    .where('tenant_id', '=', row.id)
    .orderBy('id')
    .execute()
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    whatsappEnabled: row.whatsapp_enabled === 1,
    autoAssign: row.auto_assign === 1,
    defaultNumberId: row.default_phone_number_id,
    numbers: numbers.map((n) => ({
      id: n.id,
      phoneNumberId: n.phone_number_id,
      displayPhoneNumber: n.display_phone_number,
    })),
    callbackUrl: row.callback_url,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

// Assigns numbers to a tenant: a number already with another tenant is a conflict (take it
// away from that tenant first), never silently moved.
async function assignNumbers(db: Db, tenantId: string, refs: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const ref of refs) {
    const n = await findNumber(db, ref)
    if (n.tenant_id && n.tenant_id !== tenantId) {
      const other = await db
        .selectFrom('tenants')
        .select('name')
        .where('id', '=', n.tenant_id)
        .executeTakeFirst()
      throw new WahubError(
        'conflict',
        `Phone number ${n.phone_number_id} already belongs to tenant ${other?.name ?? n.tenant_id}.`,
        { phoneNumberId: n.phone_number_id },
        `Take it from that tenant first: \`wahub tenant update --name "${other?.name ?? n.tenant_id}" --remove-number ${n.phone_number_id}\`.`,
      )
    }
    ids.push(n.id)
  }
  if (ids.length > 0) {
    await db
      .updateTable('phone_numbers')
      .set({ tenant_id: tenantId, updated_at: Date.now() })
      .where('id', 'in', ids)
      .execute()
    // Inbound events parked because the number had no tenant are processed now (SPEC §5).
    const assigned = await db
      .selectFrom('phone_numbers')
      .select('phone_number_id')
      .where('id', 'in', ids)
      .execute()
    await announceRoutable(
      db,
      assigned.map((n) => n.phone_number_id),
    )
  }
  return ids
}

async function applyInput(db: Db, row: TenantRow, input: TenantInput): Promise<void> {
  const now = Date.now()
  const assigned = await assignNumbers(db, row.id, [
    ...(input.numbers ?? []),
    ...(input.defaultNumber ? [input.defaultNumber] : []),
  ])
  let defaultId = row.default_phone_number_id
  if (input.removeNumbers?.length) {
    const ids: string[] = []
    for (const ref of input.removeNumbers) {
      const n = await findNumber(db, ref)
      if (n.tenant_id !== row.id) {
        throw new WahubError(
          'bad_request',
          `Phone number ${n.phone_number_id} is not assigned to tenant ${row.name}.`,
        )
      }
      ids.push(n.id)
    }
    await db
      .updateTable('phone_numbers')
      .set({ tenant_id: null, updated_at: now })
      .where('id', 'in', ids)
      .execute()
    if (defaultId && ids.includes(defaultId)) defaultId = null
  }
  if (input.defaultNumber !== undefined) {
    defaultId = input.defaultNumber === null ? null : (await findNumber(db, input.defaultNumber)).id
  } else if (!defaultId && assigned.length > 0) {
    defaultId = assigned[0] // the first number handed to a tenant is its default
  }
  await db
    .updateTable('tenants')
    .set({
      ...(input.name !== undefined ? { name: checkName(input.name) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
      ...(input.whatsappEnabled !== undefined ? { whatsapp_enabled: input.whatsappEnabled ? 1 : 0 } : {}),
      ...(input.autoAssign !== undefined ? { auto_assign: input.autoAssign ? 1 : 0 } : {}),
      ...(input.callbackUrl !== undefined ? { callback_url: input.callbackUrl } : {}),
      default_phone_number_id: defaultId,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute()
}

async function nameTaken(db: Db, name: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('tenants').select('id').where('name', '=', name)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return (await q.executeTakeFirst()) !== undefined
}

export async function addTenant(
  db: Db,
  input: TenantInput & { name: string },
  actor: Actor,
): Promise<Tenant> {
  const name = checkName(input.name)
  checkCallbackUrl(input.callbackUrl)
  if (await nameTaken(db, name)) {
    throw new WahubError(
      'conflict',
      `A tenant named ${name} exists.`,
      undefined,
      'Choose another name, or update it with `wahub tenant update`.',
    )
  }
  const now = Date.now()
  const id = newId('ten')
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('tenants')
      .values({
        id,
        name,
        enabled: input.enabled === false ? 0 : 1,
        whatsapp_enabled: input.whatsappEnabled === false ? 0 : 1,
        default_phone_number_id: null,
        default_country: null,
        callback_url: input.callbackUrl ?? null,
        callback_secret_enc: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const row = await findTenant(trx, id)
    await applyInput(trx, row, { ...input, name: undefined })
    await recordAudit(trx, {
      actor,
      action: 'tenant.add',
      targetType: 'tenant',
      targetId: id,
      tenantId: id,
      details: { name, numbers: input.numbers ?? [], defaultNumber: input.defaultNumber ?? null },
    })
  })
  return getTenant(db, id)
}

export async function updateTenant(
  db: Db,
  idOrName: string,
  input: TenantInput,
  actor: Actor,
): Promise<Tenant> {
  checkCallbackUrl(input.callbackUrl)
  if (input.numbers?.length === 0) {
    // In a change, `numbers` adds (decision 0058): an empty list would silently do nothing.
    throw new WahubError(
      'validation_failed',
      'numbers: an empty list changes nothing. In a change, numbers lists the numbers to add (the tenant keeps its others); to take numbers away list them in removeNumbers (CLI: --remove-number).',
      [{ field: 'numbers', problem: 'empty: numbers adds numbers, it does not replace the list' }],
    )
  }
  const row = await findTenant(db, idOrName)
  if (input.name !== undefined && (await nameTaken(db, checkName(input.name), row.id))) {
    throw new WahubError('conflict', `A tenant named ${input.name} exists.`)
  }
  await db.transaction().execute(async (trx) => {
    await applyInput(trx, row, input)
    await recordAudit(trx, {
      actor,
      action: 'tenant.update',
      targetType: 'tenant',
      targetId: row.id,
      tenantId: row.id,
      details: { ...input },
    })
  })
  return getTenant(db, row.id)
}

export async function getTenant(db: Db, idOrName: string): Promise<Tenant> {
  return toTenant(db, await findTenant(db, idOrName))
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('name').execute()
  const out: Tenant[] = []
  for (const row of rows) out.push(await toTenant(db, row))
  return out
}

/**
 * Removes a tenant with its contacts, conversations, messages, keys and agents; its numbers
 * stay, unassigned. Refused while it has conversations unless `force`.
 */
export async function removeTenant(
  db: Db,
  idOrName: string,
  actor: Actor,
  options: { force?: boolean } = {},
): Promise<void> {
  const row = await findTenant(db, idOrName)
  if (!options.force) {
    const used = await db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', row.id)
      .executeTakeFirstOrThrow()
    if (Number(used.n) > 0) {
      throw new WahubError(
        'conflict',
        `Tenant ${row.name} has ${used.n} conversations; removing it deletes them.`,
        { conversations: Number(used.n) },
        'Disable it instead (`wahub tenant update --name <tenant> --disable`), or pass force (`--force`).',
      )
    }
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('phone_numbers').set({ tenant_id: null }).where('tenant_id', '=', row.id).execute()
    await trx.updateTable('wabas').set({ tenant_id: null }).where('tenant_id', '=', row.id).execute()
    await trx.deleteFrom('tenants').where('id', '=', row.id).execute()
    await recordAudit(trx, {
      actor,
      action: 'tenant.remove',
      targetType: 'tenant',
      targetId: row.id,
      tenantId: row.id,
      details: { name: row.name, force: options.force === true },
    })
  })
}
