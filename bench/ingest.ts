import { createHmac } from 'node:crypto'
import path from 'node:path'
import autocannon from 'autocannon'
import {
  openData,
  percentile,
  prepareDataDir,
  printTable,
  root,
  startProcess,
  startWahubServe,
  watchRss,
} from './lib.ts'

// SPEC §11 webhook ingest: signed webhook POSTs against `wahub serve` (SQLite) and against a bare
// Node server that only checks the HMAC and answers 200, same load generator, same run.
// Prints req/s of both and their ratio, latencies, the p99 at a fixed 2,000/s, how long Wahub
// takes to process the backlog, and how soon an inbound message is visible at 1,000/s.
//   npm run bench -- ingest            (BENCH_SECONDS=10 per phase by default)

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const secret = 'bench-app-secret'
const pnid = '100000000000001'
const sign = (body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

function statusPayload(): string {
  // A typical status webhook (~600 bytes), as Meta sends several per outgoing message.
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
              statuses: [
                {
                  id: 'wamid.HBgLMTU1NTAwMDAwMDEVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA',
                  status: 'delivered',
                  timestamp: '1750000000',
                  recipient_id: '34600000001',
                  pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
                },
              ],
            },
          },
        ],
      },
    ],
  })
}

let seq = 0
function inboundPayload(): string {
  seq++
  const now = Math.floor(Date.now() / 1000)
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
              contacts: [
                {
                  profile: { name: `Customer ${seq % 500}` },
                  wa_id: `3460000${String(seq % 500).padStart(4, '0')}`,
                },
              ],
              messages: [
                {
                  from: `3460000${String(seq % 500).padStart(4, '0')}`,
                  id: `wamid.bench-${process.pid}-${seq}`,
                  timestamp: String(now),
                  type: 'text',
                  text: { body: `Hola, quiero pedir ${seq} barras de pan` },
                },
              ],
            },
          },
        ],
      },
    ],
  })
}

type Load = { url: string; rate?: number; seconds: number; body?: string; unique?: boolean }

async function load(options: Load) {
  const fixed = options.body ?? ''
  const result = await autocannon({
    url: `${options.url}/webhooks/whatsapp`,
    connections: options.rate ? Math.min(connections, 20) : connections,
    duration: options.seconds,
    overallRate: options.rate,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': options.unique ? '' : sign(fixed) },
    body: fixed,
    requests: options.unique
      ? [
          {
            setupRequest: (req) => {
              const body = inboundPayload()
              return { ...req, body, headers: { ...req.headers, 'x-hub-signature-256': sign(body) } }
            },
          },
        ]
      : undefined,
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
  }
}

const prepared = await prepareDataDir({
  appId: '300000000000001',
  appSecret: secret,
  verifyToken: 'bench-verify',
  wabaId: '200000000000001',
  accessToken: 'EAAbench',
  graphUrl: 'http://127.0.0.1:9',
  phoneNumberIds: [pnid],
  displayNumbers: ['15550000001'],
})

const body = statusPayload()
console.log(`ingest benchmark: ${seconds}s per phase, ${connections} connections, body ${body.length} bytes`)

const bare = await startProcess(
  [path.join(root, 'bench/bare-server.ts')],
  { BENCH_APP_SECRET: secret },
  /listening on (http:\/\/\S+)/,
)
await load({ url: bare.url, body, seconds: 2 }) // warm-up
const bareMax = await load({ url: bare.url, body, seconds })
await bare.stop()

const wahub = await startWahubServe(prepared.env)
let rss = watchRss(wahub.pid)
/** Peak RSS since the last call (each phase's own peak). */
const phaseRss = () => {
  const peak = rss.stop()
  rss = watchRss(wahub.pid)
  return peak
}
const db = await openData(prepared.dataDir)
const pending = async () =>
  Number(
    (
      await db.db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('outcome', '=', 'pending')
        .executeTakeFirstOrThrow()
    ).n,
  )
const settled = async () => {
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 100))
}

// The loads SPEC §11 names come first, on a fresh process, so their RSS is theirs: V8 and malloc
// keep memory they grew into, and saturation (four times the bar) grows them further.
await load({ url: wahub.url, body, seconds: 2, rate: 2000 }) // warm-up
const at5000 = await load({ url: wahub.url, body, seconds, rate: 5000 })
await settled()
const rss5000 = phaseRss()
const at2000 = await load({ url: wahub.url, body, seconds, rate: 2000 })
await settled()
const rss2000 = phaseRss()

const visibleFrom = Date.now()
const at1000 = await load({ url: wahub.url, seconds, rate: 1000, unique: true })
await settled()
const visibleTo = Date.now()
const rss1000 = phaseRss()

const wahubMax = await load({ url: wahub.url, body, seconds })
const rssSaturation = phaseRss()
const loadEnded = Date.now()
const backlog = await pending()
await settled()
const drainMs = Date.now() - loadEnded
const rssBacklog = phaseRss()
rss.stop()

const events = await db.db
  .selectFrom('webhook_events')
  .select(['received_at', 'processed_at'])
  .where('received_at', '>=', visibleFrom)
  .where('received_at', '<=', visibleTo)
  .where('outcome', '=', 'processed')
  .execute()
const visible = events.map((e) => (e.processed_at ?? 0) - e.received_at)
const messages = Number(
  (
    await db.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
  ).n,
)
await db.close()
await wahub.stop()
prepared.remove()

printTable('Webhook ingest (SQLite, signed POSTs)', [
  {
    server: 'bare Node (HMAC + 200)',
    'req/s': Math.round(bareMax.rps),
    'p50 ms': bareMax.p50,
    'p99 ms': bareMax.p99,
    'non-2xx/errors': bareMax.errors,
  },
  {
    server: 'wahub serve',
    'req/s': Math.round(wahubMax.rps),
    'p50 ms': wahubMax.p50,
    'p99 ms': wahubMax.p99,
    'non-2xx/errors': wahubMax.errors,
  },
])
printTable('Figures against SPEC §11', [
  { figure: 'wahub req/s at saturation', value: Math.round(wahubMax.rps), target: '>= 5000' },
  { figure: 'ratio wahub / bare', value: (wahubMax.rps / bareMax.rps).toFixed(2), target: '>= 0.50' },
  { figure: 'sustained 5,000/s: achieved rate', value: Math.round(at5000.rps), target: '5000' },
  { figure: 'sustained 5,000/s: p99 answer (ms)', value: at5000.p99, target: '-' },
  { figure: 'p99 answer at 2,000/s (ms)', value: at2000.p99, target: '< 20' },
  { figure: 'achieved rate in the 2,000/s phase', value: Math.round(at2000.rps), target: '2000' },
  { figure: 'backlog after saturation (events)', value: backlog, target: '-' },
  { figure: 'time to process that backlog (ms)', value: drainMs, target: '-' },
  { figure: 'inbound visible p50 at 1,000/s (ms)', value: percentile(visible, 50), target: '-' },
  { figure: 'inbound visible p99 at 1,000/s (ms)', value: percentile(visible, 99), target: '< 250' },
  {
    figure: 'inbound messages stored in that phase',
    value: visible.length,
    target: String(Math.round(at1000.ok)),
  },
  { figure: 'messages in the database', value: messages, target: '-' },
  { figure: 'peak RSS at 5,000/s, processing inline (MB)', value: rss5000, target: '< 250' },
  { figure: 'peak RSS at 2,000/s (MB)', value: rss2000, target: '< 250' },
  { figure: 'peak RSS at 1,000/s unique inbound (MB)', value: rss1000, target: '< 250' },
  { figure: 'peak RSS at saturation (MB)', value: rssSaturation, target: '-' },
  { figure: 'peak RSS processing the backlog (MB)', value: rssBacklog, target: '-' },
])
