import type { Db } from '../db/connect.ts'

// The signup_attempts table (migration 0031): one Embedded Signup attempt per row, with the
// state of each of its steps as JSON. Tenant-scoped like every tenant table.

export const signupSteps = [
  'exchange',
  'waba',
  'number',
  'subscribe',
  'register',
  'templates',
  'assign',
] as const
export type SignupStep = (typeof signupSteps)[number]
export type StepRecord = {
  state: 'pending' | 'done' | 'failed'
  at: number | null
  error?: { code: string; message: string; fix: string }
}
export type SignupAttempt = {
  id: string
  tenantId: string
  actor: string
  status: 'running' | 'failed' | 'done'
  wabaId: string
  phoneNumberId: string
  tokenEnc: string | null
  steps: Record<SignupStep, StepRecord>
  createdAt: number
  updatedAt: number
}

type Row = {
  id: string
  tenant_id: string
  actor: string
  status: string
  waba_id: string
  phone_number_id: string
  token_enc: string | null
  steps: string
  created_at: number
  updated_at: number
}

function toAttempt(r: Row): SignupAttempt {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    actor: r.actor,
    status: r.status as SignupAttempt['status'],
    wabaId: r.waba_id,
    phoneNumberId: r.phone_number_id,
    tokenEnc: r.token_enc,
    steps: JSON.parse(r.steps) as SignupAttempt['steps'],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export async function insertAttempt(db: Db, a: SignupAttempt): Promise<void> {
  await db
    .insertInto('signup_attempts')
    .values({
      id: a.id,
      tenant_id: a.tenantId,
      actor: a.actor,
      status: a.status,
      waba_id: a.wabaId,
      phone_number_id: a.phoneNumberId,
      token_enc: a.tokenEnc,
      steps: JSON.stringify(a.steps),
      created_at: a.createdAt,
      updated_at: a.updatedAt,
    })
    .execute()
}

export async function saveAttempt(db: Db, a: SignupAttempt): Promise<void> {
  await db
    .updateTable('signup_attempts')
    .set({ status: a.status, token_enc: a.tokenEnc, steps: JSON.stringify(a.steps), updated_at: a.updatedAt })
    .where('id', '=', a.id)
    .where('tenant_id', '=', a.tenantId)
    .execute()
}

export async function findAttempt(db: Db, tenantId: string, id: string): Promise<SignupAttempt | null> {
  const row = await db
    .selectFrom('signup_attempts')
    .selectAll()
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row ? toAttempt(row) : null
}

export async function listAttempts(db: Db, tenantId: string): Promise<SignupAttempt[]> {
  const rows = await db
    .selectFrom('signup_attempts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute()
  return rows.map(toAttempt)
}
