import { WahubError } from '../errors.ts'
import { recordAudit } from './audit-repo.ts'
import type { Actor, ChannelsContext } from './context.ts'
import { callGraph } from './graph-failure.ts'
import { numberTarget } from './graph-target.ts'
import { type ChannelNumber, getNumber, refreshNumber } from './numbers.ts'

// `wahub phone register|deregister` (seed 003: "Registrar Telefone" with the 6-digit PIN). A
// wrong PIN comes back as Meta's 133005 with the catalogue's explanation; the PIN itself is
// never stored or logged.

export async function registerNumber(
  ctx: ChannelsContext,
  idOrPhoneNumberId: string,
  pin: string,
  actor: Actor,
): Promise<ChannelNumber> {
  if (!/^\d{6}$/.test(pin)) {
    throw new WahubError('validation_failed', 'pin must be the 6-digit two-step verification PIN.', [
      { field: 'pin', problem: 'must be 6 digits' },
    ])
  }
  const t = await numberTarget(ctx, idOrPhoneNumberId)
  await callGraph(`registering phone number ${t.phoneNumberId}`, () =>
    ctx.graph.registerPhone(t.target, t.phoneNumberId, pin),
  )
  await ctx.db
    .updateTable('phone_numbers')
    .set({ registered: 1, updated_at: Date.now() })
    .where('id', '=', t.numberRowId)
    .execute()
  await recordAudit(ctx.db, {
    actor,
    action: 'phone.register',
    targetType: 'phone_number',
    targetId: t.numberRowId,
    tenantId: t.tenantId,
    details: { phoneNumberId: t.phoneNumberId },
  })
  return refreshOrStored(ctx, t.numberRowId)
}

export async function deregisterNumber(
  ctx: ChannelsContext,
  idOrPhoneNumberId: string,
  actor: Actor,
): Promise<ChannelNumber> {
  const t = await numberTarget(ctx, idOrPhoneNumberId)
  await callGraph(`deregistering phone number ${t.phoneNumberId}`, () =>
    ctx.graph.deregisterPhone(t.target, t.phoneNumberId),
  )
  await ctx.db
    .updateTable('phone_numbers')
    .set({ registered: 0, updated_at: Date.now() })
    .where('id', '=', t.numberRowId)
    .execute()
  await recordAudit(ctx.db, {
    actor,
    action: 'phone.deregister',
    targetType: 'phone_number',
    targetId: t.numberRowId,
    tenantId: t.tenantId,
    details: { phoneNumberId: t.phoneNumberId },
  })
  return refreshOrStored(ctx, t.numberRowId)
}

// Meta's view after the change (status, platform_type); if that read fails, ours is right anyway.
async function refreshOrStored(ctx: ChannelsContext, numberRowId: string): Promise<ChannelNumber> {
  try {
    return await refreshNumber(ctx, numberRowId)
  } catch {
    return getNumber(ctx.db, numberRowId)
  }
}
