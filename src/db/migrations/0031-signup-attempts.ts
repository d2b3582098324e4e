import type { Kysely } from 'kysely'
import type { DialectCapabilities } from '../dialect.ts'

// Issue 21: Embedded Signup, a tenant connecting its own number. One row per attempt with the
// state of each step (exchange the code, add the WABA, add the number, subscribe, register,
// sync templates, assign), so a failed attempt resumes where it stopped. The business token
// Meta returns is kept only as vault ciphertext. Owned by onboarding/ (decision 0072).

export async function up(db: Kysely<unknown>, _caps: DialectCapabilities): Promise<void> {
  await db.schema
    .createTable('signup_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // running | failed | done
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('token_enc', 'text')
    .addColumn('steps', 'text', (c) => c.notNull()) // JSON: step → { state, at, error? }
    .addColumn('created_at', 'int8', (c) => c.notNull())
    .addColumn('updated_at', 'int8', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('signup_attempts_tenant')
    .on('signup_attempts')
    .columns(['tenant_id', 'created_at'])
    .execute()
}
