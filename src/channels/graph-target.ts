import type { GraphTarget } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import { WahubError } from '../errors.ts'
import type { Vault } from './vault.ts'

// Where and with which token to call Graph for a WABA or a number. The token is decrypted on
// every call and never cached: a token replaced with `wahub waba add --token` is used by the
// very next request, on every instance, without a restart (issue 4).

export type TargetContext = { db: Db; vault: Vault; config: Config }

type WabaTargetRow = {
  id: string
  access_token_enc: string
  api_version: string | null
  graph_url: string | null
}

export function targetOf(ctx: TargetContext, row: WabaTargetRow): GraphTarget {
  return {
    baseUrl: row.graph_url ?? ctx.config.graphUrl,
    version: row.api_version ?? ctx.config.graphVersion,
    token: ctx.vault.decrypt(row.access_token_enc, `wabas.access_token_enc:${row.id}`),
  }
}

export type WabaTarget = { target: GraphTarget; wabaRowId: string; wabaId: string }

/** By our id (`waba_…`) or Meta's WABA id. */
export async function wabaTarget(ctx: TargetContext, idOrWabaId: string): Promise<WabaTarget> {
  const row = await ctx.db
    .selectFrom('wabas')
    .select(['id', 'waba_id', 'access_token_enc', 'api_version', 'graph_url'])
    .where((eb) => eb.or([eb('id', '=', idOrWabaId), eb('waba_id', '=', idOrWabaId)]))
    .executeTakeFirst()
  if (!row) {
    throw new WahubError(
      'not_found',
      `No WABA ${idOrWabaId}.`,
      undefined,
      'List WABAs with `wahub waba list`.',
    )
  }
  return { target: targetOf(ctx, row), wabaRowId: row.id, wabaId: row.waba_id }
}

export type NumberTarget = WabaTarget & {
  /** Our row id (phone_numbers.id). */
  numberRowId: string
  /** Meta's phone_number_id: the path segment of sends. */
  phoneNumberId: string
  tenantId: string | null
}

/**
 * The Graph target to send from a number, by our row id (`pn_…`) or Meta's phone_number_id.
 * Call it per send: it reads the current token.
 */
export async function numberTarget(ctx: TargetContext, idOrPhoneNumberId: string): Promise<NumberTarget> {
  const row = await ctx.db
    .selectFrom('phone_numbers as p')
    .innerJoin('wabas as w', 'w.id', 'p.waba_id')
    .select([
      'p.id as number_id',
      'p.phone_number_id',
      'p.tenant_id',
      'w.tenant_id as waba_tenant_id',
      'w.id',
      'w.waba_id',
      'w.access_token_enc',
      'w.api_version',
      'w.graph_url',
    ])
    .where((eb) =>
      eb.or([eb('p.id', '=', idOrPhoneNumberId), eb('p.phone_number_id', '=', idOrPhoneNumberId)]),
    )
    .executeTakeFirst()
  if (!row) {
    throw new WahubError(
      'not_found',
      `No phone number ${idOrPhoneNumberId}.`,
      undefined,
      'List numbers with `wahub number list`; add one with `wahub number import --waba-id <id>`.',
    )
  }
  return {
    target: targetOf(ctx, row),
    wabaRowId: row.id,
    wabaId: row.waba_id,
    numberRowId: row.number_id,
    phoneNumberId: row.phone_number_id,
    tenantId: row.tenant_id ?? row.waba_tenant_id,
  }
}
