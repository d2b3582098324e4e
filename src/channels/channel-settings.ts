import type { Db } from '../db/connect.ts'
import { recordAudit } from './audit-repo.ts'
import type { Actor } from './context.ts'
import { findNumber } from './numbers-repo.ts'
import { getSetting, setSetting } from './settings-repo.ts'

// Global channel settings (seed 001): the default number a tenant without one sends from (the
// bakery platform's shared fallback), and WhatsApp on/off for everyone.

const defaultNumberKey = 'channels.default_number'
const whatsappKey = 'channels.whatsapp_enabled'

export type ChannelSettings = {
  /** Our phone_numbers.id, or null. */
  defaultNumberId: string | null
  /** Meta's id of that number, for display. */
  defaultPhoneNumberId: string | null
  whatsappEnabled: boolean
}

export async function getChannelSettings(db: Db): Promise<ChannelSettings> {
  const defaultNumberId = (await getSetting<string | null>(db, defaultNumberKey)) ?? null
  const whatsappEnabled = (await getSetting<boolean>(db, whatsappKey)) ?? true
  let defaultPhoneNumberId: string | null = null
  if (defaultNumberId) {
    const row = await db
      .selectFrom('phone_numbers')
      .select('phone_number_id')
      .where('id', '=', defaultNumberId)
      .executeTakeFirst()
    defaultPhoneNumberId = row?.phone_number_id ?? null
  }
  return {
    defaultNumberId: defaultPhoneNumberId ? defaultNumberId : null,
    defaultPhoneNumberId,
    whatsappEnabled,
  }
}

/** Sets (or with null, clears) the global default number. */
export async function setGlobalDefaultNumber(
  db: Db,
  number: string | null,
  actor: Actor,
): Promise<ChannelSettings> {
  const id = number === null ? null : (await findNumber(db, number)).id
  await setSetting(db, defaultNumberKey, id)
  await recordAudit(db, {
    actor,
    action: 'settings.default_number',
    targetType: 'phone_number',
    targetId: id ?? undefined,
  })
  return getChannelSettings(db)
}

export async function setGlobalWhatsapp(db: Db, enabled: boolean, actor: Actor): Promise<ChannelSettings> {
  await setSetting(db, whatsappKey, enabled)
  await recordAudit(db, { actor, action: enabled ? 'settings.whatsapp_on' : 'settings.whatsapp_off' })
  return getChannelSettings(db)
}

/** After numbers are removed: a global default pointing at a removed number is cleared. */
export async function clearRemovedDefault(db: Db): Promise<void> {
  const id = await getSetting<string | null>(db, defaultNumberKey)
  if (!id) return
  const row = await db.selectFrom('phone_numbers').select('id').where('id', '=', id).executeTakeFirst()
  if (!row) await setSetting(db, defaultNumberKey, null)
}
