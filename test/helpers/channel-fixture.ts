import type { Insertable } from 'kysely'
import type { Vault } from '../../src/channels/vault.ts'
import type { Db } from '../../src/db/connect.ts'
import type { MessagesTable } from '../../src/db/schema.ts'
import { newId } from '../../src/ids.ts'

// Rows for one Meta app, its WABA and first number, assigned to tenant `acme`: the minimum the
// webhook receiver needs. Used by the receiving tests and the benchmarks.

export type ChannelSeed = {
  appId: string
  appSecret: string
  verifyToken: string
  wabaId: string
  accessToken: string
  graphUrl: string
  phoneNumberIds: string[]
  displayNumbers: string[]
}

export async function seedChannel(db: Db, vault: Vault, seed: ChannelSeed) {
  const now = Date.now()
  const appRow = newId('app')
  await db
    .insertInto('meta_apps')
    .values({
      id: appRow,
      app_id: seed.appId,
      name: 'Emulator app',
      app_secret_enc: vault.encrypt(seed.appSecret, `meta_apps.app_secret_enc:${appRow}`),
      verify_token_enc: vault.encrypt(seed.verifyToken, `meta_apps.verify_token_enc:${appRow}`),
      created_at: now,
      updated_at: now,
    })
    .execute()
  const wabaRowId = newId('waba')
  await db
    .insertInto('wabas')
    .values({
      id: wabaRowId,
      waba_id: seed.wabaId,
      meta_app_id: appRow,
      tenant_id: null,
      name: 'Emulator WABA',
      access_token_enc: vault.encrypt(seed.accessToken, `wabas.access_token_enc:${wabaRowId}`),
      token_last4: seed.accessToken.slice(-4),
      token_type: 'SYSTEM_USER',
      token_expires_at: null,
      api_version: null,
      graph_url: seed.graphUrl,
      created_at: now,
      updated_at: now,
    })
    .execute()
  const tenantId = newId('tn')
  await db
    .insertInto('tenants')
    .values({ id: tenantId, name: 'acme', created_at: now, updated_at: now })
    .execute()
  const addNumber = async (phoneNumberId: string) => {
    const id = newId('pn')
    const index = seed.phoneNumberIds.indexOf(phoneNumberId)
    await db
      .insertInto('phone_numbers')
      .values({
        id,
        phone_number_id: phoneNumberId,
        waba_id: wabaRowId,
        tenant_id: tenantId,
        display_phone_number: seed.displayNumbers[index] ?? null,
        created_at: Date.now(),
        updated_at: Date.now(),
      })
      .execute()
    return id
  }
  const numberRowId = await addNumber(seed.phoneNumberIds[0])
  return { tenantId, numberRowId, wabaRowId, appRowId: appRow, addNumber }
}

/**
 * The bare rows a message needs, with fixed ids: tenant `t1`, WABA `w1`, number `p1`
 * (phone_number_id 100), contact `c1` (wa_id 34600000000) and their open conversation `v1`.
 * No Meta app and no secrets: for tests of the data layer that write messages directly.
 */
export async function seedBareConversation(db: Db, now = Date.now()): Promise<void> {
  await db.insertInto('tenants').values({ id: 't1', name: 'T', created_at: now, updated_at: now }).execute()
  await db
    .insertInto('wabas')
    .values({
      id: 'w1',
      waba_id: '1',
      access_token_enc: 'x',
      token_last4: 'x',
      created_at: now,
      updated_at: now,
    })
    .execute()
  await db
    .insertInto('phone_numbers')
    .values({
      id: 'p1',
      phone_number_id: '100',
      waba_id: 'w1',
      tenant_id: 't1',
      created_at: now,
      updated_at: now,
    })
    .execute()
  await db
    .insertInto('contacts')
    .values({ id: 'c1', tenant_id: 't1', wa_id: '34600000000', created_at: now, updated_at: now })
    .execute()
  await db
    .insertInto('conversations')
    .values({
      id: 'v1',
      tenant_id: 't1',
      phone_number_id: 'p1',
      contact_id: 'c1',
      status: 'open',
      created_at: now,
      updated_at: now,
    })
    .execute()
}

/**
 * A text message row in seedBareConversation's conversation `v1`, written or changed at `at`:
 * outbound and `sent` unless `fields` says otherwise.
 */
export function bareConversationMessage(
  id: string,
  at: number,
  fields: Partial<Insertable<MessagesTable>> = {},
): Insertable<MessagesTable> {
  return {
    id,
    tenant_id: 't1',
    conversation_id: 'v1',
    phone_number_id: 'p1',
    contact_id: 'c1',
    direction: 'out',
    type: 'text',
    content: '{"body":"hi"}',
    wamid: `wamid.${id}`,
    status: 'sent',
    status_at: at,
    created_at: at,
    updated_at: at,
    ...fields,
  }
}
