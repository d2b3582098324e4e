import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import { getChannelSettings } from './channel-settings.ts'
import { tenantById } from './tenants-repo.ts'

// Which number a tenant's message leaves from (SPEC §6, seed 001): an explicit `from` the
// tenant may use, else the tenant's default number, else the global default number. Also the
// on/off switches: a disabled tenant or WhatsApp turned off (globally or for the tenant) sends
// nothing. Sending calls this before queueing; it reads no token.

export type SenderNumber = {
  /** Our phone_numbers.id. */
  numberRowId: string
  /** Meta's phone_number_id. */
  phoneNumberId: string
  wabaRowId: string
  source: 'explicit' | 'tenant_default' | 'global_default'
}

type NumberRow = {
  id: string
  phone_number_id: string
  waba_id: string
  tenant_id: string | null
  waba_tenant_id: string | null
}

async function numberRow(db: Db, idOrPhoneNumberId: string): Promise<NumberRow | undefined> {
  return db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select(['p.id', 'p.phone_number_id', 'p.waba_id', 'p.tenant_id', 'w.tenant_id as waba_tenant_id'])
    .where((eb) =>
      eb.or([eb('p.id', '=', idOrPhoneNumberId), eb('p.phone_number_id', '=', idOrPhoneNumberId)]),
    )
    .executeTakeFirst()
}

function owns(tenantId: string, n: NumberRow): boolean {
  return n.tenant_id === tenantId || (n.tenant_id === null && n.waba_tenant_id === tenantId)
}

/** Throws tenant_disabled / whatsapp_disabled when the tenant may not send at all. */
export async function assertTenantMaySend(db: Db, tenantId: string): Promise<void> {
  const tenant = await tenantById(db, tenantId)
  if (!tenant) throw new WahubError('not_found', `No tenant ${tenantId}.`)
  if (tenant.enabled !== 1) throw new WahubError('tenant_disabled', `Tenant ${tenant.name} is disabled.`)
  if (tenant.whatsapp_enabled !== 1) {
    throw new WahubError('whatsapp_disabled', `WhatsApp is turned off for tenant ${tenant.name}.`)
  }
  const settings = await getChannelSettings(db)
  if (!settings.whatsappEnabled)
    throw new WahubError('whatsapp_disabled', 'WhatsApp is turned off for all tenants.')
}

export async function resolveSenderNumber(db: Db, tenantId: string, from?: string): Promise<SenderNumber> {
  await assertTenantMaySend(db, tenantId)
  const tenant = await tenantById(db, tenantId)
  const settings = await getChannelSettings(db)
  const tenantDefault = tenant?.default_phone_number_id
    ? await numberRow(db, tenant.default_phone_number_id)
    : undefined
  const usableDefault = tenantDefault && owns(tenantId, tenantDefault) ? tenantDefault : undefined
  const globalDefault = settings.defaultNumberId ? await numberRow(db, settings.defaultNumberId) : undefined
  const result = (n: NumberRow, source: SenderNumber['source']): SenderNumber => ({
    numberRowId: n.id,
    phoneNumberId: n.phone_number_id,
    wabaRowId: n.waba_id,
    source,
  })

  if (from !== undefined) {
    const n = await numberRow(db, from)
    // The shared fallback may be named explicitly only by a tenant that has no default of its own.
    if (n && (owns(tenantId, n) || (!usableDefault && globalDefault?.id === n.id)))
      return result(n, 'explicit')
    throw new WahubError('number_not_allowed', `Tenant ${tenant?.name} may not send from ${from}.`, { from })
  }
  if (usableDefault) return result(usableDefault, 'tenant_default')
  if (globalDefault) return result(globalDefault, 'global_default')
  throw new WahubError(
    'no_sender_number',
    `Tenant ${tenant?.name} has no default number and there is no global default.`,
  )
}
