// What differs between our two databases, named as capabilities (like Kysely's
// DialectAdapter) so queries branch on a capability, never on a dialect name.

export type DialectName = 'sqlite' | 'postgres'

export type DialectCapabilities = Readonly<{
  name: DialectName
  /** `SELECT … FOR UPDATE SKIP LOCKED`: concurrent job claimers get disjoint rows. */
  skipLocked: boolean
  /** Several processes may share the database (SQLite: one process owns the file). */
  multiProcess: boolean
  /** Column type of an auto-incrementing 64-bit primary key. */
  serialType: 'integer' | 'bigserial'
  /** Column type for raw bytes. */
  bytesType: 'blob' | 'bytea'
  /** INSERT/UPDATE/DELETE inside WITH: several writes in one statement, atomic without BEGIN/COMMIT. */
  writableCte: boolean
}>

export const sqliteCapabilities: DialectCapabilities = Object.freeze({
  name: 'sqlite',
  skipLocked: false, // a single writer: SQLite serialises every write transaction
  multiProcess: false,
  serialType: 'integer',
  bytesType: 'blob',
  writableCte: false,
})

export const postgresCapabilities: DialectCapabilities = Object.freeze({
  name: 'postgres',
  skipLocked: true,
  multiProcess: true,
  serialType: 'bigserial',
  bytesType: 'bytea',
  writableCte: true,
})
