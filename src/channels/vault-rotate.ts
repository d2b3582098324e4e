import { sql } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { Vault } from './vault.ts'
import { rotateVaultCheck } from './vault-check.ts'

// Key rotation (deploy/README.md): after WAHUB_SECRET_KEY gets a new key and the old one moves to
// WAHUB_PREVIOUS_SECRET_KEYS, `wahub secrets rotate` re-encrypts every stored secret with the new
// key, after which the old key can be dropped. Secrets are found by the schema's convention
// (SPEC §4: every secret is a `*_enc` column of a table keyed by `id`, encrypted with the context
// `<table>.<column>:<id>`), read from the database's own catalogue, so a column added later is
// rotated without a list to keep in step.

export type SecretColumn = { table: string; column: string }
export type SecretColumnStatus = SecretColumn & { current: number; stale: number }

export async function secretColumns(db: Db): Promise<SecretColumn[]> {
  const tables = await db.introspection.getTables()
  return tables
    .filter((t) => t.columns.some((c) => c.name === 'id'))
    .flatMap((t) =>
      t.columns.filter((c) => c.name.endsWith('_enc')).map((c) => ({ table: t.name, column: c.name })),
    )
    .sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`))
}

type Row = { id: string; value: string | null }

async function rowsOf(db: Db, { table, column }: SecretColumn): Promise<Row[]> {
  // Names come from the catalogue (never from input) and are quoted as identifiers.
  const { rows } =
    await sql<Row>`select ${sql.ref('id')} as id, ${sql.ref(column)} as value from ${sql.table(table)}`.execute(
      db,
    )
  return rows
}

/** How many secrets each column holds under the current key and under an older one. */
export async function vaultStatus(db: Db, vault: Vault): Promise<SecretColumnStatus[]> {
  const out: SecretColumnStatus[] = []
  for (const col of await secretColumns(db)) {
    const rows = (await rowsOf(db, col)).filter((r) => r.value)
    const stale = rows.filter((r) => vault.isStale(r.value as string)).length
    out.push({ ...col, current: rows.length - stale, stale })
  }
  return out
}

/**
 * Re-encrypts every secret written under an older key with the current one. Each row is
 * updated only if it still holds the value read (a secret replaced meanwhile is left as it is).
 */
export async function rotateSecrets(db: Db, vault: Vault): Promise<SecretColumnStatus[]> {
  for (const col of await secretColumns(db)) {
    for (const row of await rowsOf(db, col)) {
      if (!row.value || !vault.isStale(row.value)) continue
      const context = `${col.table}.${col.column}:${row.id}`
      const fresh = vault.encrypt(vault.decrypt(row.value, context), context)
      await sql`update ${sql.table(col.table)} set ${sql.ref(col.column)} = ${fresh}
        where ${sql.ref('id')} = ${row.id} and ${sql.ref(col.column)} = ${row.value}`.execute(db)
    }
  }
  // Last: the value start-up decrypts to check the key (vault-check.ts). Until it is rotated, an
  // instance started with only the new key refuses to start, which is the safe side.
  await rotateVaultCheck(db, vault)
  return vaultStatus(db, vault)
}
