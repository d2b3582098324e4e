import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { mergeTables, type PriceTable } from './price-table.ts'

// Imported rate cards (price_tables); the bundled ones are merged in by price-table.ts.

export async function saveImportedTable(
  db: Db,
  table: Omit<PriceTable, 'origin'>,
  actor: string,
  now = Date.now(),
): Promise<{ replaced: boolean }> {
  return db.transaction().execute(async (tx) => {
    const deleted = await tx
      .deleteFrom('price_tables')
      .where('effective_from', '=', table.effectiveFrom)
      .executeTakeFirst()
    await tx
      .insertInto('price_tables')
      .values({
        id: newId('prc'),
        effective_from: table.effectiveFrom,
        currency: table.currency,
        source: table.source,
        rates: JSON.stringify(table.rates),
        tiers: table.tiers ? JSON.stringify(table.tiers) : null,
        imported_at: now,
        imported_by: actor,
      })
      .execute()
    return { replaced: Number(deleted.numDeletedRows) > 0 }
  })
}

/** Every card, bundled and imported, oldest first. */
export async function loadPriceTables(db: Db): Promise<PriceTable[]> {
  const rows = await db.selectFrom('price_tables').selectAll().orderBy('effective_from').execute()
  return mergeTables(
    rows.map((r) => ({
      effectiveFrom: r.effective_from,
      currency: r.currency,
      source: r.source,
      rates: JSON.parse(r.rates) as PriceTable['rates'],
      ...(r.tiers ? { tiers: JSON.parse(r.tiers) as PriceTable['tiers'] } : {}),
      origin: 'imported' as const,
    })),
  )
}
