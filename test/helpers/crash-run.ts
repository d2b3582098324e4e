import { createHash } from 'node:crypto'
import { openData, prepareDataDir, startWahubServe } from '../../bench/lib.ts'
import { startEmulator } from '../../src/emulator/index.ts'
import { freePort } from './harness.ts'
import { waitFor } from './wait.ts'

// The durability check of SPEC §5/§11: simulated customers send `events` messages (one webhook
// POST each), `wahub serve` is killed with SIGKILL as soon as the emulator has seen `killAt`
// deliveries answered 200, then restarted on the same port. Meta's (the emulator's) retries
// deliver what was not answered. Returns what a test or the benchmark asserts: every delivery
// answered 200 is in the database, every message is stored exactly once, no delivery was given up.
//
// The kill is timed on the emulator's own ledger, in the process that receives the answers, not
// on a poll of the database: a fast machine answers a 2,000-event burst within one 50 ms poll
// interval, and SQLite answers once the intake journal holds a batch (decision 0129), before the
// row is in webhook_events. Between two turns of the event loop at most the deliveries in flight
// (the emulator's 64 sockets) are answered, so the kill lands mid-burst at any machine speed.

export type CrashResult = {
  events: number
  /** Deliveries the emulator had seen answered 200 when the SIGKILL was sent. */
  answeredBeforeKill: number
  /** Rows in webhook_events right after the kill (SQLite's intake journal may hold more). */
  storedBeforeKill: number
  answered200: number
  answered200Missing: number
  messagesStored: number
  duplicateMessages: number
  deliveriesGivenUp: number
  failedAttempts: number
  totalMs: number
}

export async function runCrash(events: number, killAt: number): Promise<CrashResult> {
  // The emulator's retry timers are unref'd (they must not keep a user's process alive); while
  // this waits on them and on child processes, a referenced timer keeps Node from exiting.
  const keepAlive = setInterval(() => {}, 1000)
  try {
    return await crash(events, killAt)
  } finally {
    clearInterval(keepAlive)
  }
}

async function crash(events: number, killAt: number): Promise<CrashResult> {
  const started = Date.now()
  const port = await freePort()
  const emulator = await startEmulator({
    webhookUrl: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    batch: { maxItems: 1, windowMs: 0 },
    webhookRetry: { baseMs: 200, maxAttempts: 30, timeoutMs: 5000 },
    ledgerLimit: events * 5,
    omitContactsRate: 0,
  })
  const seed = emulator.seed
  const prepared = await prepareDataDir({
    appId: seed.appId,
    appSecret: seed.appSecret,
    verifyToken: seed.verifyToken,
    wabaId: seed.wabaId,
    accessToken: seed.accessToken,
    graphUrl: emulator.url,
    phoneNumberIds: seed.phoneNumberIds,
    displayNumbers: seed.displayNumbers,
  }).catch(async (err) => {
    await emulator.close()
    throw err
  })
  let wahub: Awaited<ReturnType<typeof startWahubServe>> | undefined
  // A reader connection is opened per query and closed at once: a connection held across the
  // SIGKILL would wait on the restarted server's WAL recovery (and it on us).
  const withDb = async <T>(
    fn: (db: Awaited<ReturnType<typeof openData>>['db']) => Promise<T>,
  ): Promise<T> => {
    const handle = await openData(prepared)
    try {
      return await fn(handle.db)
    } finally {
      await handle.close()
    }
  }
  const count = (outcome?: string) =>
    withDb(async (db) => {
      let query = db.selectFrom('webhook_events').select((eb) => eb.fn.countAll().as('n'))
      if (outcome) query = query.where('outcome', '=', outcome)
      return Number((await query.executeTakeFirstOrThrow()).n)
    })
  try {
    // Inside the try: a server that fails to start still closes the emulator, whose listening
    // socket would otherwise keep the test process alive after the failure (a hung CI run).
    wahub = await startWahubServe({ ...prepared.env, WAHUB_GRAPH_URL: emulator.url }, port)
    const customers = seed.customers.filter((c) => c.wa_id !== '')
    const wamids: string[] = []
    for (let i = 0; i < events; i++) {
      const customer = customers[i % customers.length]
      wamids.push(
        emulator.control.customerSends(
          customer.wa_id,
          { type: 'text', text: { body: `pedido ${i}` } },
          { phoneNumberId: seed.phoneNumberIds[0] },
        ).id,
      )
      // Yield now and then so deliveries start while customers are still sending.
      if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve))
    }
    const answeredSoFar = () =>
      emulator.control.ledger({ kind: 'webhook' }).filter((a) => 'statusCode' in a && a.statusCode === 200)
        .length
    const deadline = Date.now() + 60_000
    // One check per turn of the event loop: answers are recorded between turns, at most one
    // turn's worth (the deliveries in flight) can pass killAt before the signal goes.
    while (answeredSoFar() < killAt) {
      if (Date.now() > deadline) throw new Error(`fewer than ${killAt} deliveries answered 200 within 60 s`)
      await new Promise((resolve) => setImmediate(resolve))
    }
    const answeredBeforeKill = answeredSoFar()
    await wahub.stop('SIGKILL')
    const storedBeforeKill = await count()
    wahub = await startWahubServe({ ...prepared.env, WAHUB_GRAPH_URL: emulator.url }, port)

    await waitFor(
      'the emulator to have delivered every webhook',
      () => emulator.control.pendingWebhooks() === 0,
      { timeoutMs: 120_000, intervalMs: 50 },
    )
    await waitFor('every stored event to be processed', async () => (await count('pending')) === 0, {
      timeoutMs: 120_000,
      intervalMs: 100,
    })

    type Attempt = { statusCode?: number; body: string; gaveUp: boolean; deliveryId: string }
    const attempts = emulator.control.ledger({ kind: 'webhook' }) as unknown as Attempt[]
    const answered = attempts.filter((a) => a.statusCode === 200)
    const storedHashes = new Set(
      (await withDb((db) => db.selectFrom('webhook_events').select('body').execute())).map((r) =>
        createHash('sha256').update(Buffer.from(r.body)).digest('hex'),
      ),
    )
    const missing = answered.filter(
      (a) => !storedHashes.has(createHash('sha256').update(a.body).digest('hex')),
    )
    const stored = await withDb((db) =>
      db
        .selectFrom('messages')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.count('wamid').distinct().as('distinct')])
        .where('direction', '=', 'in')
        .executeTakeFirstOrThrow(),
    )
    return {
      events,
      answeredBeforeKill,
      storedBeforeKill,
      answered200: answered.length,
      answered200Missing: missing.length,
      messagesStored: Number(stored.distinct),
      duplicateMessages: Number(stored.n) - Number(stored.distinct),
      deliveriesGivenUp: attempts.filter((a) => a.gaveUp).length,
      failedAttempts: attempts.filter((a) => a.statusCode !== 200).length,
      totalMs: Date.now() - started,
    }
  } finally {
    await wahub?.stop('SIGKILL')
    await emulator.close()
    await prepared.remove()
  }
}
