import { createHmac } from 'node:crypto'
import { sql } from 'kysely'
import type { DbHandle } from '../src/db/connect.ts'

// The webhook traffic of the ingest and processing benches (bench/ingest.ts, bench/processing.ts):
// new text messages from 5,000 customers, and statuses (sent → delivered → read) of 150,000
// outbound messages seeded beforehand — distinct contacts and messages, as Meta sends them.

export const contacts = 5_000
export const outbound = 150_000
export const secret = 'bench-app-secret'
export const pnid = '100000000000001'
export const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
const waId = (n: number) => `3460${String(n % contacts).padStart(7, '0')}`

/** The channel both benches configure (prepareDataDir's seed). */
export const benchChannel = {
  appId: '300000000000001',
  appSecret: secret,
  verifyToken: 'bench-verify',
  wabaId: '200000000000001',
  accessToken: 'EAAbench',
  graphUrl: 'http://127.0.0.1:9',
  phoneNumberIds: [pnid],
  displayNumbers: ['15550000001'],
}

function envelope(value: Record<string, unknown>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '200000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000001', phone_number_id: pnid },
              ...value,
            },
          },
        ],
      },
    ],
  })
}

const words = [
  'pan',
  'centeno',
  'pedido',
  'mañana',
  'entrega',
  'precio',
  'barra',
  'horario',
  'tarta',
  'gracias',
]
let inboundSeq = 0
/** Starts both sequences again (the same bodies, so the same sizes, for the next server). */
export function restartTraffic(): void {
  inboundSeq = 0
  statusSeq = 0
}
/** Where both sequences are, to go on from there after a detour (`continueTraffic`). */
export function trafficPosition(): { inbound: number; status: number } {
  return { inbound: inboundSeq, status: statusSeq }
}
export function continueTraffic(position: { inbound: number; status: number }): void {
  inboundSeq = position.inbound
  statusSeq = position.status
}
/** A new message from one of 5,000 customers, its text varied (~500 bytes, like Meta's). */
export function inboundBody(): string {
  const n = inboundSeq++
  return envelope({
    contacts: [{ profile: { name: `Customer ${n % contacts}` }, wa_id: waId(n) }],
    messages: [
      {
        from: waId(n),
        id: `wamid.bench-in-${process.pid}-${n}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: {
          body: `Hola, ¿${words[n % 10]} ${words[(n >> 3) % 10]} para el ${n % 28} de ${n % 12}? (${n})`,
        },
      },
    ],
  })
}

let statusSeq = 0
const statusOrder = ['sent', 'delivered', 'read'] as const
/** The next status of an outbound message: each message goes sent → delivered → read once. */
export function statusBody(): string {
  const n = statusSeq++
  const m = n % outbound
  const status = statusOrder[Math.floor(n / outbound) % 3]
  return envelope({
    statuses: [
      {
        id: `wamid.bench-out-${m}`,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: waId(m),
        ...(status === 'read'
          ? {}
          : {
              conversation: { id: `conv-${m % contacts}`, origin: { type: 'utility' } },
              pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
            }),
      },
    ],
  })
}

export type Kind = 'inbound' | 'status'
export const bodyOf: Record<Kind, () => string> = { inbound: inboundBody, status: statusBody }

/** The next webhook of `kind` as a load generator sends it: a fresh body, its JSON type and signature. */
export function signedWebhook(kind: Kind): () => { body: string; headers: Record<string, string> } {
  const next = bodyOf[kind]
  return () => {
    const body = next()
    return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } }
  }
}

/** The outbound messages the status webhooks are about, with their customers and conversations. */
export async function seedOutbound(handle: DbHandle, tenantId: string, numberRowId: string): Promise<void> {
  const now = Date.now()
  const chunk = 1000
  for (let i = 0; i < contacts; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, contacts - i) }, (_, k) => i + k)
    await handle.db
      .insertInto('contacts')
      .values(
        ids.map((n) => ({
          id: `ct_bench_${n}`,
          tenant_id: tenantId,
          wa_id: waId(n),
          user_id: null,
          profile_name: `Customer ${n}`,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    await handle.db
      .insertInto('conversations')
      .values(
        ids.map((n) => ({
          id: `cv_bench_${n}`,
          tenant_id: tenantId,
          phone_number_id: numberRowId,
          contact_id: `ct_bench_${n}`,
          status: 'open' as const,
          assignee_user_id: null,
          last_inbound_at: now,
          last_message_at: now,
          last_message_preview: 'seed',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
  }
  for (let i = 0; i < outbound; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, outbound - i) }, (_, k) => i + k)
    await handle.db
      .insertInto('messages')
      .values(
        ids.map((m) => ({
          id: `msg_bench_${String(m).padStart(7, '0')}`,
          tenant_id: tenantId,
          conversation_id: `cv_bench_${m % contacts}`,
          phone_number_id: numberRowId,
          contact_id: `ct_bench_${m % contacts}`,
          direction: 'out' as const,
          type: 'text',
          content: JSON.stringify({ type: 'text', text: { body: `Your order ${m} is ready` } }),
          wamid: `wamid.bench-out-${m}`,
          status: 'sending',
          status_at: now,
          meta_timestamp: null,
          error_code: null,
          error_title: null,
          error_details: null,
          error_explanation: null,
          pricing_model: null,
          pricing_category: null,
          pricing_type: null,
          billable: null,
          context_wamid: null,
          source: 'api',
          created_by: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
  }
  if (handle.caps.name === 'postgres') await sql`analyze`.execute(handle.db)
}

/**
 * Waits until the analytics fold (on the webhook thread) has folded everything up to `at`: the
 * 150,000 seeded messages are history a running Wahub has long folded, not part of what a phase
 * measures.
 */
export async function foldedUpTo(handle: DbHandle, at: number): Promise<void> {
  for (;;) {
    const row = await handle.db
      .selectFrom('analytics_cursor')
      .select('updated_after')
      .where('name', '=', 'messages')
      .executeTakeFirst()
    if (row && Number(row.updated_after) >= at) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
