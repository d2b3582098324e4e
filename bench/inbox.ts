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
import { type ConversationFilter, listConversations, unreadCounts } from '../src/inbox/conversations-query.ts'
import { listThread } from '../src/inbox/messages-repo.ts'
import { seedChannel } from '../test/helpers/channel-fixture.ts'
import { machine, percentile, printTable } from './lib.ts'

// SPEC §11 inbox queries at scale (issues 13 and 16): 100,000 conversations and 1,000,000 messages
// seeded with bulk SQL (not through the API; the tables' secondary indexes and the search index's
// triggers are set aside during the load and rebuilt from their own definitions after it), then
// every read the API and the dashboard make is timed in-process (the query functions themselves;
// HTTP adds the same constant to each): the conversation list with each filter (all, mine,
// unassigned, status, label, number, unread, window), first and deep cursor pages, a thread page
// and an older one, full-text search (common and rare words, several words, a number, a contact's
// name, none), and the unread counts. Each figure is also given as a ratio to a baseline measured
// in the same run: a primary-key read of one conversation. With BENCH_COMPARE=1 every query also
// runs without migration 0004's indexes first (what each index is for).
//   npm run bench -- inbox     (BENCH_CONVERSATIONS, BENCH_MESSAGES, BENCH_REPS to scale it;
//   BENCH_CASES=search for the search cases only; BENCH_KEEP=1 keeps both databases for EXPLAIN)

const conversations = Number(process.env.BENCH_CONVERSATIONS ?? 100_000)
const messages = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const reps = Number(process.env.BENCH_REPS ?? 30)
const compare = process.env.BENCH_COMPARE === '1'
/** `sqlite` or `postgres` to run one database only. */
const only = process.env.BENCH_DB
/** Keep the PostgreSQL database and the SQLite data directory (to look at plans); remove them yourself. */
const keep = process.env.BENCH_KEEP === '1'
/** Only the cases whose name contains this text (`search`: the search cases), besides the baseline. */
const onlyCases = process.env.BENCH_CASES
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
      if (keep) return console.log(`SQLite data directory ${dataDir} kept (BENCH_KEEP=1)`)
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
      if (keep) return console.log(`PostgreSQL database ${name} kept (BENCH_KEEP=1)`)
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

// The words of the seeded messages: a message says "hola <w1> <w2> pedido <n>" with w1 = words[n % 64],
// w2 = words[(n / 64) % 64], so each word is in ~3% of messages and a pair in ~1/4,096; one
// message in 50,000 also says "zanzibar" (a rare word).
const vocabulary = (
  'refund reembolso factura invoice entrega delivery encomenda pagamento boleto troca cancel cancelar ' +
  'tracking rastreio envio shipping address direccion endereco horario schedule cita appointment ' +
  'precio price preco descuento discount cupom garantia warranty devolucion return devolucao tamanho ' +
  'talla size color cor stock estoque agotado available disponible urgent urgente problema problem ' +
  'ayuda help ajuda gracias obrigado thanks contrasena senha password cuenta conta account tarjeta ' +
  'cartao card pix'
).split(' ')
if (vocabulary.length !== 64) throw new Error('the bench vocabulary must have 64 words')

function wordAt(expr: string): string {
  return `case ${expr} ${vocabulary.map((w, i) => `when ${i} then '${w}'`).join(' ')} end`
}

/** The text of message n, in SQL (the same expression feeds messages.content and the search index). */
function messageTextSql(kind: Target['kind']): string {
  const cast = kind === 'postgres' ? '::text' : ''
  return `'hola ' || ${wordAt('n % 64')} || ' ' || ${wordAt('(n / 64) % 64')} || ' pedido ' || n${cast} || case when n % 50000 = 17 then ' zanzibar' else '' end`
}

/**
 * Drops the secondary indexes of `tables` (and, on SQLite, the search index's insert trigger)
 * and returns what recreates them from their own definitions: a bulk load then builds each index
 * once instead of updating it a million times.
 */
async function setIndexesAside(target: Target, tables: string[]): Promise<() => Promise<void>> {
  const db = target.handle.db as unknown as Kysely<unknown>
  const list = tables.map((t) => `'${t}'`).join(', ')
  if (target.kind === 'postgres') {
    const { rows } = await sql<{ name: string; def: string }>`
      select indexname as name, indexdef as def from pg_indexes i
      where tablename in (${sql.raw(list)}) and schemaname = 'public'
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db)
    for (const r of rows) await sql`drop index ${sql.id(r.name)}`.execute(db)
    return async () => {
      await sql`set maintenance_work_mem = '256MB'`.execute(db)
      for (const r of rows) await sql.raw(r.def).execute(db)
    }
  }
  const { rows } = await sql<{ name: string; type: string; def: string }>`
    select name, type, sql as def from sqlite_master
    where tbl_name in (${sql.raw(list)}) and sql is not null
      and (type = 'index' or (type = 'trigger' and name = 'search_docs_ai'))`.execute(db)
  for (const r of rows) await sql.raw(`drop ${r.type} ${r.name}`).execute(db)
  return async () => {
    for (const r of rows) await sql.raw(r.def).execute(db)
    await sql`insert into search_fts(search_fts) values ('rebuild')`.execute(db)
  }
}

type Seeded = { tenantId: string; numbers: string[]; agents: string[]; now: number }

async function seed(target: Target): Promise<Seeded> {
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
  const agents = Array.from({ length: 5 }, (_, i) => `us_bench_agent_${i}`)
  for (const [i, id] of agents.entries())
    await handle.db
      .insertInto('users')
      .values({
        id,
        email: `agent${i}@bench.example`,
        password_hash: 'x',
        role: 'agent',
        tenant_id: channel.tenantId,
        created_at: now,
        last_login_at: null,
        last_assigned_at: null,
      })
      .execute()
  const label = 'lb_bench_vip'
  await handle.db
    .insertInto('labels')
    .values({
      id: label,
      tenant_id: channel.tenantId,
      name: 'VIP',
      color: '#aa3300',
      created_at: now,
      updated_at: now,
    })
    .execute()
  const restore = await setIndexesAside(target, ['contacts', 'conversations', 'messages', 'search_docs'])
  const c = (expr: string) => pad(kind, expr, 7)
  const agentOf = `case n % 5 ${agents.map((a, i) => `when ${i} then '${a}'`).join(' ')} end`
  // Contact n: Customer n, +34 6nnnnnnnn. Conversation n: one per contact, number n % 2, last
  // activity n minutes ago (the newest first), the window open for the first day's worth,
  // a quarter resolved, one in ten unread, a third assigned (to agent n % 5), one in 20 VIP.
  await sql`insert into contacts (id, tenant_id, wa_id, user_id, profile_name, created_at, updated_at) ${series(
    kind,
    conversations,
    sql`'ct_' || ${c('n')}, ${tenant}, '346' || ${pad(kind, 'n', 8)}, null, 'Customer ' || n, ${sql.lit(now)}, ${sql.lit(now)}`,
  )}`.execute(db)
  await sql`insert into conversations (id, tenant_id, phone_number_id, contact_id, status, assignee_user_id, last_inbound_at, last_message_at, last_message_preview, unread_count, created_at, updated_at) ${series(
    kind,
    conversations,
    sql`'cv_' || ${c('n')}, ${tenant}, case when n % 2 = 0 then ${sql.lit(numbers[0])} else ${sql.lit(numbers[1])} end, 'ct_' || ${c('n')},
        case when n % 4 = 3 then 'resolved' else 'open' end, case when n % 3 = 0 then ${sql.raw(agentOf)} else null end,
        ${sql.lit(now)} - n * ${sql.lit(minute)} - 1000,
        ${sql.lit(now)} - n * ${sql.lit(minute)}, 'message ' || n, case when n % 10 = 0 then 2 else 0 end,
        ${sql.lit(now)} - n * ${sql.lit(minute)}, ${sql.lit(now)}`,
  )}`.execute(db)
  await sql`insert into conversation_labels (conversation_id, label_id, tenant_id, created_at) ${series(
    kind,
    Math.ceil(conversations / 20),
    sql`'cv_' || ${c('n * 20')}, ${sql.lit(label)}, ${tenant}, ${sql.lit(now)}`,
  )}`.execute(db)
  // Message m: conversation m % C, the k-th of its thread (k = m / C), ids in time order.
  const perThread = Math.ceil(messages / conversations)
  const text = sql.raw(messageTextSql(kind))
  await sql`insert into messages (id, tenant_id, conversation_id, phone_number_id, contact_id, direction, type, content, wamid, status, status_at, meta_timestamp, created_at, updated_at) ${series(
    kind,
    messages,
    sql`'msg_' || ${pad(kind, 'n', 8)}, ${tenant}, 'cv_' || ${c(`n % ${conversations}`)},
        case when (n % ${sql.lit(conversations)}) % 2 = 0 then ${sql.lit(numbers[0])} else ${sql.lit(numbers[1])} end,
        'ct_' || ${c(`n % ${conversations}`)}, case when n % 2 = 0 then 'in' else 'out' end, 'text',
        '{"type":"text","text":{"body":"' || ${text} || '"}}', 'wamid.B' || ${pad(kind, 'n', 8)},
        case when n % 2 = 0 then 'received' else 'read' end,
        ${sql.lit(now)} - (n % ${sql.lit(conversations)}) * ${sql.lit(minute)} - (${sql.lit(perThread)} - n / ${sql.lit(conversations)}) * 1000,
        null, ${sql.lit(now)}, ${sql.lit(now)}`,
  )}`.execute(db)
  // The search index as the write path makes it (inbox/search-text.ts): the texts are lower-case
  // ASCII words, which the tokeniser leaves as they are. Contacts: name, wa_id, national number.
  await sql`insert into search_docs (doc, tenant_id, contact_id, conversation_id, message_id, text, body) ${series(
    kind,
    conversations,
    sql`'c:ct_' || ${c('n')}, ${tenant}, 'ct_' || ${c('n')}, null, null,
        'Customer ' || n || ${sql.lit('\n')} || '346' || ${pad(kind, 'n', 8)} || ${sql.lit('\n')} || '6' || ${pad(kind, 'n', 8)},
        'customer ' || n || ' 346' || ${pad(kind, 'n', 8)} || ' 6' || ${pad(kind, 'n', 8)}`,
  )}`.execute(db)
  await sql`insert into search_docs (doc, tenant_id, contact_id, conversation_id, message_id, text, body) ${series(
    kind,
    messages,
    sql`'m:msg_' || ${pad(kind, 'n', 8)}, ${tenant}, 'ct_' || ${c(`n % ${conversations}`)}, 'cv_' || ${c(`n % ${conversations}`)},
        'msg_' || ${pad(kind, 'n', 8)}, ${text}, ${text}`,
  )}`.execute(db)
  await restore()
  // PostgreSQL's autovacuum analyses new tables on its own; do it now rather than wait for it.
  await sql`analyze`.execute(db)
  return { tenantId: channel.tenantId, numbers, agents, now }
}

type Case = { name: string; run: (i: number) => Promise<unknown> }

function cases(target: Target, seeded: Seeded): Case[] {
  const { tenantId, numbers, agents, now } = seeded
  const db = target.handle.db
  const list = (f: Partial<ConversationFilter>) => listConversations(db, { tenantId, limit: 50, now, ...f })
  const cursors: Record<string, string | undefined> = {}
  /** The filter's 20th page (its cursor found once, outside the measurement). */
  const page20 = (name: string, f: Partial<ConversationFilter>): Case => ({
    name: `list, ${name}, cursor page 20`,
    run: async () => {
      if (!(name in cursors)) {
        let cursor: string | undefined
        for (let p = 0; p < 19; p++) cursor = (await list({ ...f, cursor })).nextCursor ?? undefined
        cursors[name] = cursor
      }
      return list({ ...f, cursor: cursors[name] })
    },
  })
  const thread = (i: number) => `cv_${String((i * 7919) % conversations).padStart(7, '0')}`
  const search = (name: string, q: (i: number) => string, f: Partial<ConversationFilter> = {}): Case => ({
    name: `search, ${name}`,
    run: (i) => list({ ...f, search: q(i) }),
  })
  const word = (i: number) => vocabulary[(i * 7) % vocabulary.length]
  const filters: [string, Partial<ConversationFilter>][] = [
    ['all', {}],
    ['mine', { assigneeUserId: agents[1] }],
    ['unassigned', { assigneeUserId: null }],
    ['status open', { status: 'open' }],
    ['status resolved', { status: 'resolved' }],
    ['label VIP', { label: 'VIP' }],
    ['unread', { unread: true }],
  ]
  const all: Case[] = [
    ...filters.flatMap(([name, f]) => [{ name: `list, ${name}`, run: () => list(f) }, page20(name, f)]),
    { name: 'list, one number', run: (i) => list({ phoneNumberRowId: numbers[i % 2] }) },
    { name: 'list, window open', run: () => list({ windowOpen: true }) },
    { name: 'list, window closed', run: () => list({ windowOpen: false }) },
    {
      name: 'list, operator (all tenants)',
      run: () => listConversations(db, { tenantId: null, limit: 50, now }),
    },
    { name: 'thread page (50)', run: (i) => listThread(db, tenantId, thread(i), { limit: 50 }) },
    {
      name: 'thread, older page',
      run: async (i) => {
        const first = await listThread(db, tenantId, thread(i), { limit: 5 })
        return listThread(db, tenantId, thread(i), { limit: 5, before: first[first.length - 1]?.id })
      },
    },
    { name: 'unread counts (all, mine, unassigned)', run: (i) => unreadCounts(db, tenantId, agents[i % 5]) },
    search('a word in every message ("hola")', () => 'hola'),
    search('a word in ~3% of messages', word),
    search('two words (~1 in 4,096)', (i) => `${word(i)} ${vocabulary[(i * 13 + 5) % vocabulary.length]}`),
    search('a rare word (1 in 50,000)', () => 'zanzibar'),
    search('a word being typed ("ho", "hol")', (i) => (i % 2 ? 'ho' : 'hol')),
    search('an order number', (i) => String(100_000 + ((i * 7919) % Math.max(1, messages - 100_000)))),
    search("a contact's name", (i) => `customer ${(i * 7919) % conversations}`),
    search('digits of a number', (i) => String((i * 7919) % conversations).padStart(7, '0')),
    search('no hit', () => 'xylophone'),
    search('with a filter (unread)', word, { unread: true }),
  ]
  return onlyCases ? all.filter((c) => c.name.includes(onlyCases)) : all
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
  const seeded = await seed(target)
  const seedSeconds = (performance.now() - seedStart) / 1000
  const db = target.handle.db as unknown as Kysely<unknown>
  const all = cases(target, seeded)
  const without = new Map<string, { p50: number; p95: number }>()
  if (compare) {
    for (const index of inboxIndexes) await db.schema.dropIndex(index.name).ifExists().execute()
    for (const c of all) without.set(c.name, await time(c))
    await createInboxIndexes(db)
    await sql`analyze`.execute(db)
  }
  // The baseline: one conversation read by its primary key, in the same run.
  const baseline = await time({
    name: 'baseline',
    run: (i) =>
      target.handle.db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', `cv_${String((i * 7919) % conversations).padStart(7, '0')}`)
        .executeTakeFirst(),
  })
  const rows: Record<string, string | number>[] = [
    {
      query: 'baseline: a conversation by primary key',
      'p50 ms': baseline.p50,
      'p95 ms': baseline.p95,
      'p50 / baseline': 1,
      ...(compare ? { 'p50 ms without 0004': '', 'p50 ratio without/with': '' } : {}),
      'p95 under bar': '',
    },
  ]
  for (const c of all) {
    const after = await time(c)
    const bar = c.name.startsWith('search') ? 50 : 30
    const before = without.get(c.name)
    rows.push({
      query: c.name,
      'p50 ms': after.p50,
      'p95 ms': after.p95,
      'p50 / baseline': after.p50 / baseline.p50,
      ...(before
        ? { 'p50 ms without 0004': before.p50, 'p50 ratio without/with': before.p50 / after.p50 }
        : {}),
      'p95 under bar': after.p95 < bar ? `yes (< ${bar})` : `NO (≥ ${bar})`,
    })
  }
  printTable(
    `Inbox queries on ${target.kind}: ${conversations.toLocaleString('en')} conversations, ${messages.toLocaleString('en')} messages (seeded in ${seedSeconds.toFixed(1)} s), ${reps} runs each — ${machine()}`,
    rows,
  )
}

for (const open of [openSqlite, openPostgres]) {
  if (only && open.name.toLowerCase().indexOf(only) < 0) continue
  const target = await open()
  if (!target) continue
  try {
    await benchOne(target)
  } finally {
    await target.cleanup()
  }
}
