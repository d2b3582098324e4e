import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { type RawBuilder, sql } from 'kysely'
import pg from 'pg'
import S3rver from 's3rver'
import { type Server, startWahubServe } from '../../bench/lib.ts'
import { createApiKey } from '../../src/accounts/api-keys.ts'
import { createVault, loadVaultKeys } from '../../src/channels/vault.ts'
import { connectDb } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { startEmulator } from '../../src/emulator/index.ts'
import { seedChannel } from './channel-fixture.ts'
import { freePort } from './harness.ts'
import { waitFor } from './wait.ts'

// SPEC §18 / issue 14, the cluster proof (bench/cluster.ts prints it; test/cluster/cluster.test.ts
// runs a small one): N `wahub serve` processes on one PostgreSQL database and one S3-compatible
// bucket (s3rver), behind nginx (Debian's, started here with its own config). Meta (the emulator)
// sends webhooks to nginx; the API client sends through nginx; one instance is killed with
// SIGKILL in the middle and started again. Counted afterwards: every webhook answered 200 is
// stored once, every accepted send reached Meta once (or is `unknown`), none twice, no 130429,
// each downloaded image is served by every instance, and how late live updates reach each
// instance's stream.

export type ClusterOptions = {
  instances: number
  /** Distinct customers writing in (one text each, plus `images` of them an image). */
  customers: number
  images: number
  /** Messages sent through the API (a text to each customer who wrote, several rounds). */
  sends: number
  /** The number's throughput in the emulator (messages per second). */
  mps: number
  /** PostgreSQL server to create the database on (postgres://…/any). */
  adminUrl: string
  log?: (line: string) => void
}

export type ClusterResult = {
  instances: number
  webhooksAnswered200: number
  webhooksStored: number
  webhooksMissing: number
  inboundDuplicated: number
  sendsAccepted: number
  /** Status and start of the body of each send not answered 202. */
  sendsRefused: string[]
  sendsSent: number
  sendsUnknown: number
  outboundByStatus: Record<string, number>
  sendsDuplicated: number
  sendsMissing: number
  answered130429: number
  mediaReady: number
  mediaServedByEveryInstance: number
  liveFrames: number
  liveP50Ms: number
  liveP99Ms: number
  killedInstance: number
  totalMs: number
}

export const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p))

/** nginx with deploy/nginx.conf's upstream and location rules, on plain HTTP, in `dir`. */
async function startNginx(dir: string, port: number, upstreams: number[]) {
  if (!nginxBinary)
    throw new Error("nginx is not installed: apt-get install -y nginx-light (Debian's package)")
  for (const sub of ['logs', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true })
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream wahub {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 110m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_next_upstream error timeout http_502 http_503;
    proxy_next_upstream_tries 2;
    location = /api/v1/live { proxy_pass http://wahub; proxy_buffering off; proxy_read_timeout 1h; }
    location / { proxy_pass http://wahub; }
  }
}
`
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf)
  const child = spawn(nginxBinary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr.on('data', (d) => {
    err += d
  })
  await waitFor(
    `nginx to listen on ${port}${err ? ` (${err})` : ''}`,
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1')
        s.once('connect', () => {
          s.destroy()
          resolve(true)
        })
        s.once('error', () => resolve(false))
      }),
  )
  return { child, stop: () => child.kill('SIGKILL') }
}

type Frame = { messageId: string; at: number }

/** Collects `message.received` frames of one instance's live stream. */
async function openLive(baseUrl: string, key: string, frames: Frame[]) {
  const controller = new AbortController()
  const res = await fetch(`${baseUrl}/api/v1/live`, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal: controller.signal,
  })
  let raw = ''
  const reading = (async () => {
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body ?? []) {
        raw += decoder.decode(chunk as Uint8Array, { stream: true })
        let end = raw.indexOf('\n\n')
        while (end >= 0) {
          const data = raw
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '))
          raw = raw.slice(end + 2)
          if (data) {
            const event = JSON.parse(data.slice(6)) as { kind: string; payload: { messageId?: string } }
            if (event.kind === 'message.received' && event.payload.messageId)
              frames.push({ messageId: event.payload.messageId, at: Date.now() })
          }
          end = raw.indexOf('\n\n')
        }
      }
    } catch {
      // aborted, or the instance was killed
    }
  })()
  return () => {
    controller.abort()
    return reading
  }
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export async function runCluster(options: ClusterOptions): Promise<ClusterResult> {
  // The emulator's retry timers are unref'd; a referenced timer keeps Node alive meanwhile.
  const keepAlive = setInterval(() => {}, 1000)
  try {
    return await cluster(options)
  } finally {
    clearInterval(keepAlive)
  }
}

async function cluster(o: ClusterOptions): Promise<ClusterResult> {
  const log = o.log ?? (() => {})
  const started = Date.now()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-cluster-'))
  const cleanups: (() => Promise<unknown> | unknown)[] = [
    () => fs.rmSync(work, { recursive: true, force: true }),
  ]
  try {
    // Shared storage: the database and the bucket.
    const dbName = `wahub_cluster_${randomBytes(4).toString('hex')}`
    const admin = new pg.Client({ connectionString: o.adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${dbName}`)
    await admin.end()
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: o.adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await c.end()
    })
    const url = new URL(o.adminUrl)
    url.pathname = `/${dbName}`
    const databaseUrl = url.toString()
    const s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: path.join(work, 's3'),
      configureBuckets: [{ name: 'wahub-media', configs: [] }],
    })
    const { port: s3Port } = await s3.run()
    cleanups.push(() => s3.close())

    const proxyPort = await freePort()
    const emulator = await startEmulator({
      webhookUrl: `http://127.0.0.1:${proxyPort}/webhooks/whatsapp`,
      batch: { maxItems: 1, windowMs: 0 },
      webhookRetry: { baseMs: 200, maxAttempts: 40, timeoutMs: 5000 },
      ledgerLimit: (o.customers + o.images + o.sends) * 10 + 1000,
      omitContactsRate: 0,
      autoReply: false,
    })
    cleanups.push(() => emulator.close())
    const seed = emulator.seed
    const pnid = seed.phoneNumberIds[0]
    emulator.control.setThroughput(pnid, o.mps)

    const handle = await connectDb({ databaseUrl, dataDir: work })
    await migrateToLatest(handle)
    const secretKey = randomBytes(32).toString('base64')
    const keys = loadVaultKeys({ secretKey, previousSecretKeys: [], dataDir: work })
    const channel = await seedChannel(handle.db, createVault(keys.current), {
      appId: seed.appId,
      appSecret: seed.appSecret,
      verifyToken: seed.verifyToken,
      wabaId: seed.wabaId,
      accessToken: seed.accessToken,
      graphUrl: emulator.url,
      phoneNumberIds: [pnid],
      displayNumbers: [pnid],
    })
    await handle.db.updateTable('phone_numbers').set({ throughput_mps: o.mps }).execute()
    const { key } = await createApiKey(
      handle.db,
      { tenant: channel.tenantId, scopes: ['send', 'read'], name: 'cluster' },
      'bench',
    )
    cleanups.push(() => handle.close())

    // The instances: same database, key, bucket; each its own port and data directory.
    const ports = await Promise.all(Array.from({ length: o.instances }, () => freePort()))
    const env = (i: number) => ({
      DATABASE_URL: databaseUrl,
      WAHUB_SECRET_KEY: secretKey,
      WAHUB_SANDBOX: 'off',
      WAHUB_GRAPH_URL: emulator.url,
      WAHUB_DATA_DIR: path.join(work, `instance-${i}`),
      WAHUB_MEDIA_URL: `s3://wahub-media/cluster?endpoint=http://127.0.0.1:${s3Port}&path_style=true`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      WAHUB_TRUST_PROXY: '127.0.0.1',
      LOG_LEVEL: 'error',
    })
    const servers: Server[] = []
    for (let i = 0; i < o.instances; i++) servers.push(await startWahubServe(env(i), ports[i]))
    cleanups.push(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))))
    const nginx = await startNginx(path.join(work, 'nginx'), proxyPort, ports)
    cleanups.push(() => nginx.stop())
    const proxy = `http://127.0.0.1:${proxyPort}`
    log(`${o.instances} instances on ${ports.join(', ')} behind nginx on ${proxyPort}`)

    // Live streams, one per instance, straight to the instance (not through nginx).
    const frames: Frame[][] = ports.map(() => [])
    const closers = await Promise.all(ports.map((p, i) => openLive(`http://127.0.0.1:${p}`, key, frames[i])))

    // Customers write in (distinct contacts; some send an image); then sends through nginx.
    const customers = Array.from({ length: o.customers }, (_, i) => `3466${String(i).padStart(7, '0')}`)
    for (const [i, wa] of customers.entries()) {
      emulator.control.addCustomer({ wa_id: wa, name: `Cliente ${i}` })
      emulator.control.customerSends(
        wa,
        { type: 'text', text: { body: `hola ${i}` } },
        { phoneNumberId: pnid },
      )
      if (i < o.images) {
        emulator.control.customerSends(
          wa,
          { type: 'image', image: { caption: `foto ${i}` } },
          { phoneNumberId: pnid },
        )
      }
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve))
    }
    const inboundTotal = o.customers + o.images
    const count = async (table: string, where: RawBuilder<unknown>) =>
      Number(
        (
          await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(
            handle.db,
          )
        ).rows[0].n,
      )
    const stored = () => count('messages', sql`direction = 'in'`)
    const settled = (what: string, table: string, where: RawBuilder<unknown>) =>
      waitFor(what, async () => (await count(table, where)) === 0, { timeoutMs: 180_000, intervalMs: 100 })
    // Kill one instance once half the inbound messages are in.
    const victim = o.instances > 1 ? 1 : 0
    await waitFor('half the inbound messages stored', async () => (await stored()) >= inboundTotal / 2, {
      timeoutMs: 120_000,
      intervalMs: 50,
    })
    await waitFor('every customer’s conversation open', async () => (await stored()) >= o.customers / 2, {
      timeoutMs: 120_000,
    })

    const bodies: string[] = []
    const refused: string[] = []
    const sendOne = async (n: number) => {
      const to = customers[n % customers.length]
      const body = `pedido ${n} listo`
      const res = await fetch(`${proxy}/api/v1/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'idempotency-key': `send-${n}`,
        },
        body: JSON.stringify({ from: pnid, to, type: 'text', text: { body } }),
      }).catch(() => undefined)
      const text = (await res?.text().catch(() => '')) ?? ''
      if (res?.status === 202) bodies.push(body)
      else refused.push(`${res?.status ?? 'no answer'} ${text.slice(0, 200)}`)
    }
    // Wait until each send's customer has written (its window is open), then send in waves. Counted
    // by conversation: a count of messages could reach o.customers with images stored ahead of texts.
    const customersWritten = async () =>
      Number(
        (
          await sql<{
            n: number
          }>`select count(distinct conversation_id) as n from messages where direction = 'in'`.execute(
            handle.db,
          )
        ).rows[0].n,
      )
    await waitFor('every customer has written', async () => (await customersWritten()) >= o.customers, {
      timeoutMs: 120_000,
      intervalMs: 50,
    })
    let killed = false
    for (let n = 0; n < o.sends; n += 20) {
      await Promise.all(Array.from({ length: Math.min(20, o.sends - n) }, (_, k) => sendOne(n + k)))
      if (!killed && n >= o.sends / 2) {
        killed = true
        log(`SIGKILL instance ${victim + 1}`)
        servers[victim].child.kill('SIGKILL')
        await new Promise((resolve) => servers[victim].child.once('exit', resolve))
        servers[victim] = await startWahubServe(env(victim), ports[victim])
      }
    }
    if (!killed) {
      servers[victim].child.kill('SIGKILL')
      await new Promise((resolve) => servers[victim].child.once('exit', resolve))
      servers[victim] = await startWahubServe(env(victim), ports[victim])
    }

    // Settle: Meta delivered every webhook, every event processed, every send settled.
    await waitFor(
      'the emulator to have delivered every webhook',
      () => emulator.control.pendingWebhooks() === 0,
      {
        timeoutMs: 180_000,
        intervalMs: 100,
      },
    )
    await settled('every stored webhook processed', 'webhook_events', sql`outcome = 'pending'`)
    await settled(
      'every accepted send settled (sent, delivered, read, failed or unknown)',
      'messages',
      sql`direction = 'out' and status in ('queued', 'sending')`,
    )
    await settled('every image downloaded', 'media', sql`state = 'pending'`)
    await Promise.all(closers.map((close) => close()))

    // Webhooks: every delivery answered 200 is a stored event; messages stored once each.
    type Attempt = { statusCode?: number; body: string }
    const attempts = emulator.control.ledger({ kind: 'webhook' }) as unknown as Attempt[]
    const answered = attempts.filter((a) => a.statusCode === 200)
    const storedBodies = new Set(
      (await handle.db.selectFrom('webhook_events').select('body').execute()).map((r) =>
        createHash('sha256').update(Buffer.from(r.body)).digest('hex'),
      ),
    )
    const missing = answered.filter(
      (a) => !storedBodies.has(createHash('sha256').update(a.body).digest('hex')),
    )
    const inbound = await handle.db
      .selectFrom('messages')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('wamid').distinct().as('distinct')])
      .where('direction', '=', 'in')
      .executeTakeFirstOrThrow()

    // Sends: what Meta accepted, by body (each body is sent once by the client).
    type Graph = {
      method: string
      path: string
      status: number
      body: unknown
      errorCode: number | undefined
    }
    const graph = emulator.control.ledger({ kind: 'graph' }) as unknown as Graph[]
    const sendCalls = graph.filter((g) => g.method === 'POST' && /\/messages$/.test(g.path))
    const acceptedBodies = new Map<string, number>()
    let throttled = 0
    for (const call of sendCalls) {
      const m = /pedido \d+ listo/.exec(JSON.stringify(call.body ?? ''))
      if (call.status === 200 && m) acceptedBodies.set(m[0], (acceptedBodies.get(m[0]) ?? 0) + 1)
      if (call.errorCode === 130429) throttled++
    }
    const outcomes = await handle.db
      .selectFrom('messages')
      .select(['status', 'content'])
      .where('direction', '=', 'out')
      .execute()
    const statusOf = new Map(outcomes.map((r) => [/pedido \d+ listo/.exec(r.content)?.[0] ?? '', r.status]))
    const unknown = outcomes.filter((r) => r.status === 'unknown').length
    const outboundByStatus: Record<string, number> = {}
    for (const r of outcomes) outboundByStatus[r.status] = (outboundByStatus[r.status] ?? 0) + 1
    const duplicated = [...acceptedBodies.values()].filter((n) => n > 1).length
    const sentOnce = bodies.filter((b) => acceptedBodies.get(b) === 1).length
    // Accepted by Wahub, never reached Meta, and not marked unknown: lost.
    const lost = bodies.filter((b) => !acceptedBodies.has(b) && statusOf.get(b) !== 'unknown').length

    // Media: each ready image served by every instance.
    const media = await handle.db.selectFrom('media').select('id').where('state', '=', 'ready').execute()
    let servedEverywhere = 0
    for (const m of media) {
      const statuses = await Promise.all(
        ports.map((p) =>
          fetch(`http://127.0.0.1:${p}/api/v1/media/${m.id}`, {
            headers: { authorization: `Bearer ${key}` },
          }).then(async (r) => {
            await r.arrayBuffer()
            return r.status
          }),
        ),
      )
      if (statuses.every((s) => s === 200)) servedEverywhere++
    }

    // Live: from the moment a message was stored (by whichever instance processed it) to its frame
    // on each surviving instance's stream — the fan-out across instances, not Meta's queue.
    const storedAt = new Map(
      (
        await handle.db
          .selectFrom('messages')
          .select(['id', 'created_at'])
          .where('direction', '=', 'in')
          .execute()
      ).map((r) => [r.id, Number(r.created_at)]),
    )
    const latencies: number[] = []
    for (const [i, list] of frames.entries()) {
      if (i === victim) continue // its stream ended with the kill
      for (const f of list) {
        const at = storedAt.get(f.messageId)
        if (at !== undefined) latencies.push(f.at - at)
      }
    }

    return {
      instances: o.instances,
      webhooksAnswered200: answered.length,
      webhooksStored: storedBodies.size,
      webhooksMissing: missing.length,
      inboundDuplicated: Number(inbound.n) - Number(inbound.distinct),
      sendsAccepted: bodies.length,
      sendsRefused: refused,
      sendsSent: sentOnce,
      sendsUnknown: unknown,
      outboundByStatus,
      sendsDuplicated: duplicated,
      sendsMissing: lost,
      answered130429: throttled,
      mediaReady: media.length,
      mediaServedByEveryInstance: servedEverywhere,
      liveFrames: latencies.length,
      liveP50Ms: percentile(latencies, 50),
      liveP99Ms: percentile(latencies, 99),
      killedInstance: victim + 1,
      totalMs: Date.now() - started,
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {})
  }
}
