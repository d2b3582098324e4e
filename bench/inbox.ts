import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import { createVault } from '../src/channels/vault.ts'
import { connectDb, type DbHandle } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createInboxIndexes, inboxIndexes } from '../src/db/migrations/0004-inbox-indexes.ts'
import { type ConversationFilter, listConversations } from '../src/inbox/conversations-query.ts'
import { listThread } from '../src/inbox/messages-repo.ts'
import { seedChannel } from '../test/helpers/channel-fixture.ts'
import { machine, percentile, printTable } from './lib.ts'

// SPEC §11 inbox queries at scale: 100,000 conversations and 1,000,000 messages seeded with bulk
// SQL (not through the API), then the read side the dashboard and the API call — the
// conversation list with each filter, cursor pages, a thread page and its next page, search —
// timed in-process (the query functions themselves; HTTP adds the same constant to each).
// Every query runs first without the indexes of migration 0004, then with them, in the same run:
// the ratio shows what each index is for. On SQLite and, when reachable, on PostgreSQL.
//   npm run bench -- inbox     (BENCH_CONVERSATIONS, BENCH_MESSAGES, BENCH_REPS to scale it)

const conversations = Number(process.env.BENCH_CONVERSATIONS ?? 100_000)
const messages = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const reps = Number(process.env.BENCH_REPS ?? 30)
const pgAdminUrl = process.env.WAHUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const minute = 60_000

type Target = { kind: 'sqlite' | 'postgres'; handle: DbHandle; cleanup(): Promise<void> }

async function openSqlite(): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-bench-inbox-'))
  const handle = await connectDb({ databaseUrl: undefined, dataDir })
  return {
    kind: 'sqlite',
    handle,
    async cleanup() {
      await handle.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function openPostgres(): Promise<Target | undefined> {
  const name = `throughput_inbox_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
  } catch (err) {
    console.log(`PostgreSQL skipped: ${(err as Error).message}`)
    await admin.end().catch(() => {})
    return undefined
  }
  await admin.end()
  const url = new URL(pgAdminUrl)
  url.pathname = `/${name}`
  const handle = await connectDb({ databaseUrl: url.toString(), dataDir: os.tmpdir(), poolSize: 2 })
  return {
    kind: 'postgres',
    handle,
    async cleanup() {
      await handle.close()
      const drop = new pg.Client({ connectionString: pgAdminUrl })
      await drop.connect()
      await drop.query(`DROP DATABASE IF EXISTS ${name}`)
      await drop.end()
    },
  }
}

/** `select <columns> from 0..n-1 as s(n)`, in each dialect's way of counting. */
function series(kind: Target['kind'], n: number, columns: ReturnType<typeof sql>) {
  return kind === 'postgres'
    ? sql`select ${columns} from generate_series(0::bigint, ${sql.lit(n - 1)}) as s(n)`
    : sql`select ${columns} from (with recursive s(n) as (select 0 union all select n + 1 from s where n < ${sql.lit(n - 1)}) select n from s) as s`
}

function pad(kind: Target['kind'], expr: string, width: number) {
  return kind === 'postgres'
    ? sql.raw(`lpad((${expr})::text, ${width}, '0')`)
    : sql.raw(`printf('%0${width}d', ${expr})`)
}

async function seed(target: Target): Promise<{ tenantId: string; numbers: string[]; now: number }> {
  const { kind, handle } = target
  const db = handle.db as unknown as Kysely<unknown>
  const vault = createVault(randomBytes(32))
  const channel = await seedChannel(handle.db, vault, {
    appId: '900000000000001',
    appSecret: 'bench',
    verifyToken: 'bench',
    wabaId: '200000000000001',
    accessToken: 'EAAbench0000',
    graphUrl: 'http://127.0.0.1:9',
    phoneNumberIds: ['100000000000001', '100000000000002'],
    displayNumbers: ['15550000001', '15550000002'],
  })
  const second = await channel.addNumber('100000000000002')
  const numbers = [channel.numberRowId, second]
  const tenant = sql.lit(channel.tenantId)
  const now = Date.now()
  const c = (expr: string) => pad(kind, expr, 7)
  // Contact n: Customer n, +34 6nnnnnnnn. Conversation n: one per contact, number n % 2, last
  // activity n minutes ago (the newest first), the window open for the first day's worth,
  // a quarter resolved, one in ten unread.
  await sql`insert into contacts (id, tenant_id, wa_id, user_id, profile_name, created_at, updated_at) ${series(
    kind,
    conversations,
    sql`'ct_' || ${c('n')}, ${tenant}, '346' || ${pad(kind, 'n', 8)}, null, 'Customer ' || n, ${sql.lit(now)}, ${sql.lit(now)}`,
  )}`.execute(db)
  await sql`insert into conversations (id, tenant_id, phone_number_id, contact_id, status, assignee_user_id, last_inbound_at, last_message_at, last_message_preview, unread_count, created_at, updated_at) ${series(
    kind,
    conversations,
    sql`'cv_' || ${c('n')}, ${tenant}, case when n % 2 = 0 then ${sql.lit(numbers[0])} else ${sql.lit(numbers[1])} end, 'ct_' || ${c('n')},
        case when n % 4 = 3 then 'resolved' else 'open' end, null, ${sql.lit(now)} - n * ${sql.lit(minute)} - 1000,
        ${sql.lit(now)} - n * ${sql.lit(minute)}, 'message ' || n, case when n % 10 = 0 then 2 else 0 end,
        ${sql.lit(now)} - n * ${sql.lit(minute)}, ${sql.lit(now)}`,
  )}`.execute(db)
  // Message m: conversation m % C, the k-th of its thread (k = m / C), ids in time order.
  const perThread = Math.ceil(messages / conversations)
  await sql`insert into messages (id, tenant_id, conversation_id, phone_number_id, contact_id, direction, type, content, wamid, status, status_at, meta_timestamp, created_at, updated_at) ${series(
    kind,
    messages,
    sql`'msg_' || ${pad(kind, 'n', 8)}, ${tenant}, 'cv_' || ${c(`n % ${conversations}`)},
        case when (n % ${sql.lit(conversations)}) % 2 = 0 then ${sql.lit(numbers[0])} else ${sql.lit(numbers[1])} end,
        'ct_' || ${c(`n % ${conversations}`)}, case when n % 2 = 0 then 'in' else 'out' end, 'text',
        '{"type":"text","text":{"body":"message ' || n || '"}}', 'wamid.B' || ${pad(kind, 'n', 8)},
        case when n % 2 = 0 then 'received' else 'read' end,
        ${sql.lit(now)} - (n % ${sql.lit(conversations)}) * ${sql.lit(minute)} - (${sql.lit(perThread)} - n / ${sql.lit(conversations)}) * 1000,
        null, ${sql.lit(now)}, ${sql.lit(now)}`,
  )}`.execute(db)
  // PostgreSQL's autovacuum analyses new tables on its own; do it now rather than wait for it.
  if (kind === 'postgres') await sql`analyze`.execute(db)
  return { tenantId: channel.tenantId, numbers, now }
}

type Case = { name: string; run: (i: number) => Promise<unknown> }

function cases(target: Target, tenantId: string, numbers: string[], now: number): Case[] {
  const db = target.handle.db
  const list = (f: Partial<ConversationFilter>) => listConversations(db, { tenantId, limit: 50, now, ...f })
  const deepCursor = async (f: Partial<ConversationFilter>, pages: number) => {
    let cursor: string | undefined
    for (let p = 0; p < pages; p++) cursor = (await list({ ...f, cursor })).nextCursor ?? undefined
    return cursor
  }
  const cursors: Record<string, string | undefined> = {}
  const thread = (i: number) => `cv_${String((i * 7919) % conversations).padStart(7, '0')}`
  return [
    { name: 'list, newest first (page 1)', run: () => list({}) },
    {
      name: 'list, cursor page 20',
      run: async () => {
        cursors.all ??= await deepCursor({}, 19)
        return list({ cursor: cursors.all })
      },
    },
    { name: 'list, status open', run: () => list({ status: 'open' }) },
    { name: 'list, status resolved', run: () => list({ status: 'resolved' }) },
    {
      name: 'list, status resolved, cursor page 20',
      run: async () => {
        cursors.resolved ??= await deepCursor({ status: 'resolved' }, 19)
        return list({ status: 'resolved', cursor: cursors.resolved })
      },
    },
    { name: 'list, unread', run: () => list({ unread: true }) },
    {
      name: 'list, unread, cursor page 20',
      run: async () => {
        cursors.unread ??= await deepCursor({ unread: true }, 19)
        return list({ unread: true, cursor: cursors.unread })
      },
    },
    { name: 'list, window open', run: () => list({ windowOpen: true }) },
    { name: 'list, window closed', run: () => list({ windowOpen: false }) },
    { name: 'list, one number', run: (i) => list({ phoneNumberRowId: numbers[i % 2] }) },
    {
      name: 'list, operator (all tenants)',
      run: () => listConversations(db, { tenantId: null, limit: 50, now }),
    },
    { name: 'list, search by name', run: (i) => list({ search: `Customer ${(i * 7919) % conversations}` }) },
    { name: 'thread page (50)', run: (i) => listThread(db, tenantId, thread(i), { limit: 50 }) },
    {
      name: 'thread, next page',
      run: async (i) => {
        const first = await listThread(db, tenantId, thread(i), { limit: 5 })
        return listThread(db, tenantId, thread(i), { limit: 5, before: first[first.length - 1]?.id })
      },
    },
  ]
}

async function time(c: Case): Promise<{ p50: number; p95: number }> {
  await c.run(0) // warm (and the cursor set-up) outside the measurement
  const samples: number[] = []
  for (let i = 1; i <= reps; i++) {
    const start = performance.now()
    await c.run(i)
    samples.push(performance.now() - start)
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}

async function benchOne(target: Target): Promise<void> {
  await migrateToLatest(target.handle)
  const seedStart = performance.now()
  const { tenantId, numbers, now } = await seed(target)
  const seedSeconds = (performance.now() - seedStart) / 1000
  const db = target.handle.db as unknown as Kysely<unknown>
  const all = cases(target, tenantId, numbers, now)
  for (const index of inboxIndexes) await db.schema.dropIndex(index.name).ifExists().execute()
  const without = new Map<string, { p50: number; p95: number }>()
  for (const c of all) without.set(c.name, await time(c))
  await createInboxIndexes(db)
  if (target.kind === 'postgres') await sql`analyze conversations`.execute(db)
  const rows: Record<string, string | number>[] = []
  for (const c of all) {
    const before = without.get(c.name) as { p50: number; p95: number }
    const after = await time(c)
    rows.push({
      query: c.name,
      'p50 ms': after.p50,
      'p95 ms': after.p95,
      'p50 ms without 0004': before.p50,
      'p95 ms without 0004': before.p95,
      'p50 ratio without/with': before.p50 / after.p50,
      'p95 < 30 ms': after.p95 < 30 ? 'yes' : 'NO',
    })
  }
  printTable(
    `Inbox queries on ${target.kind}: ${conversations.toLocaleString('en')} conversations, ${messages.toLocaleString('en')} messages (seeded in ${seedSeconds.toFixed(1)} s), ${reps} runs each — ${machine()}`,
    rows,
  )
}

for (const open of [openSqlite, openPostgres]) {
  const target = await open()
  if (!target) continue
  try {
    await benchOne(target)
  } finally {
    await target.cleanup()
  }
}
