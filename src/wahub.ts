import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { registerDbGauges } from './analytics/prometheus.ts'
import { countFoldTally, type RollupPump } from './analytics/rollup-pump.ts'
import { createCampaignRunJob } from './campaigns/runner.ts'
import { numbersRefreshJob, scheduleNumbersRefresh } from './channels/numbers-refresh-job.ts'
import { createVault, loadVaultKeys, type Vault } from './channels/vault.ts'
import { checkVaultKey } from './channels/vault-check.ts'
import { createGraphClient, type GraphClient } from './cloud-api/graph-client.ts'
import type { Config } from './config.ts'
import { connectDb, type DbHandle } from './db/connect.ts'
import { migrateToLatest } from './db/migrate.ts'
import {
  fallbackAutocheckpointPages,
  registerCheckpointGauges,
  type SqliteCheckpointer,
  startSqliteCheckpointer,
} from './db/sqlite-checkpointer.ts'
import { startCallbackPump } from './delivery/callbacks.ts'
import { createCallbackDeliverJob } from './delivery/deliver-job.ts'
import { qualityWatchJob, scheduleQualityWatch } from './diagnostics/quality-watch.ts'
import { buildApp } from './http/app.ts'
import { createMediaDownloadJob } from './inbox/media-job.ts'
import { searchBackfillJob } from './inbox/search-backfill.ts'
import { releaseLocks } from './jobs/jobs-repo.ts'
import { type Liveness, startLiveness } from './jobs/liveness.ts'
import { createJobRunner, type JobRunner } from './jobs/runner.ts'
import type { JobHandler, JobHandlers } from './jobs/types.ts'
import type { Logger } from './log.ts'
import { createRateLanes, type RateLanes } from './messaging/rate-lanes.ts'
import { createSendWorker, type SendWorker } from './messaging/send-worker.ts'
import { createMetrics, type Metrics, registerThreadHeapGauge } from './metrics.ts'
import { ensureFirstAdmin } from './sandbox/first-admin.ts'
import { type Sandbox, startSandbox } from './sandbox/sandbox.ts'
import type { Welcome } from './sandbox/welcome.ts'
import { type MediaStore, openMediaStore } from './storage/media-store.ts'
import { scheduleTemplatesSync, templatesSyncJob } from './templates/sync-job.ts'
import { webhookBacklog } from './webhooks/events-repo.ts'
import {
  createIntakeBatcher,
  createJoiningIntakeWriter,
  type IntakeBatcher,
} from './webhooks/intake-batcher.ts'
import {
  intakeLingerMs,
  nudgeWhenDue,
  startWebhookProcessor,
  type WebhookProcessor,
} from './webhooks/processor.ts'
import { createRejectionRecorder, type RejectionRecorder } from './webhooks/rejections.ts'
import { createWebhookReplayJob } from './webhooks/replay-job.ts'
import { createSecretsCache, type SecretsCache } from './webhooks/secrets-cache.ts'

// Starts one Wahub instance: database (migrated), vault, HTTP app, job workers. `wahub serve`
// and the tests both come through here, so what is tested is what runs.

export type Wahub = {
  app: FastifyInstance
  handle: DbHandle
  vault: Vault
  metrics: Metrics
  graph: GraphClient
  /** Where downloaded media lives (data directory or S3-compatible bucket). */
  mediaStore: MediaStore
  secrets: SecretsCache
  rejections: RejectionRecorder
  intake: IntakeBatcher
  runner: JobRunner
  /** The send workers (`message.send`): their own loop, so lane waits never hold up other jobs. */
  sendWorker: SendWorker
  lanes: RateLanes
  log: Logger
  config: Config
  /** Base URL the server listens on (when started with listen). */
  url: string
  /** First-run admin password and the Sandbox, for the start banner (empty when not first run). */
  welcome: Welcome
  /** The in-process Sandbox emulator, when it runs. */
  sandbox: Sandbox | undefined
  /** Keeps the analytics rollups in step with the messages (with the workers). */
  rollups: RollupPump | undefined
  /** SQLite: the thread that checkpoints the WAL (db/sqlite-checkpointer.ts); none on PostgreSQL. */
  checkpoints: SqliteCheckpointer | undefined
  close(): Promise<void>
}

export type StartOptions = {
  log: Logger
  listen?: boolean
  workers?: boolean
  /** For tests: an already-open database. */
  handle?: DbHandle
  /** `wahub serve`: create the first admin and the Sandbox (SPEC §3) when they are due. */
  firstRun?: boolean | { sandbox?: Omit<Parameters<typeof startSandbox>[1], 'address'> }
  /** For tests: the clock campaigns read (the messaging-limit window) and how long their runner may sleep. */
  campaignClock?: { now: () => number; recheckMs?: number }
}

/** Counts each callback delivery attempt for /metrics (the job itself is delivery/'s). */
function countedCallbacks(
  handler: JobHandler<'callback.deliver'>,
  metrics: Metrics,
): JobHandler<'callback.deliver'> {
  return async (payload, ctx) => {
    try {
      const outcome = await handler(payload, ctx)
      metrics.callbacks.inc({ result: outcome && 'retry' in outcome ? 'failed' : 'delivered' })
      return outcome
    } catch (err) {
      metrics.callbacks.inc({ result: 'failed' })
      throw err
    }
  }
}

type Started = {
  app: FastifyInstance
  runner: JobRunner
  processor: WebhookProcessor | undefined
  sendWorker: SendWorker
  rejections: RejectionRecorder
  intake: IntakeBatcher
  pump: { stop(): Promise<void> } | undefined
  rollups: RollupPump | undefined
  sandbox: Sandbox | undefined
  checkpoints: SqliteCheckpointer | undefined
  liveness: Liveness | undefined
}

/** Stops taking work and lets what is in flight finish: requests, intake batches, jobs. */
async function drain(started: Started): Promise<void> {
  // The Sandbox's emulator first: no webhook or simulated customer after this point.
  await started.sandbox?.close()
  // A keep-alive connection that was mid-request when closing began becomes idle only after its
  // answer; close those as they go idle instead of waiting for Node's keep-alive timeout.
  const sweeper = setInterval(() => started.app.server.closeIdleConnections(), 50)
  try {
    await started.app.close()
  } finally {
    clearInterval(sweeper)
  }
  await started.intake.close()
  await started.pump?.stop()
  await started.rollups?.stop()
  await started.sendWorker.stop()
  await started.processor?.stop()
  await started.runner.stop()
  await started.rejections.stop()
  // Last: the writers above are done; closing the database checkpoints what is left.
  await started.checkpoints?.stop()
}

export async function startWahub(config: Config, options: StartOptions): Promise<Wahub> {
  const { log } = options
  const handle =
    options.handle ?? (await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }))
  let app: FastifyInstance | undefined
  let runner: JobRunner | undefined
  let sendWorker: SendWorker | undefined
  let processor: WebhookProcessor | undefined
  let rejections: RejectionRecorder | undefined
  let sandbox: Sandbox | undefined
  let checkpoints: SqliteCheckpointer | undefined
  let liveness: Liveness | undefined
  try {
    const { applied } = await migrateToLatest(handle)
    if (applied.length > 0) log.info({ applied }, 'migrations applied')
    const keys = loadVaultKeys(config)
    const vault = createVault(keys.current, keys.previous)
    await checkVaultKey(handle.db, vault)

    const metrics = createMetrics({ webhookBacklog: () => webhookBacklog(handle.db) })
    registerDbGauges(metrics, handle.db)
    // SQLite: the WAL is checkpointed on a thread of its own, not inside the commits of the
    // threads that answer, send and process (decisions 0107 and 0123).
    if (!handle.caps.multiProcess) {
      checkpoints = startSqliteCheckpointer(handle.location, { log: log.child({ component: 'sqlite' }) })
      registerCheckpointGauges(metrics, checkpoints)
      await sql.raw(`pragma wal_autocheckpoint = ${fallbackAutocheckpointPages}`).execute(handle.db)
    }
    // PostgreSQL: this instance's liveness lock; the jobs of instances that died are released
    // at start and every few seconds instead of after their 30 s lease (decision 0120).
    const live =
      handle.caps.multiProcess && handle.connectOptions.databaseUrl
        ? await startLiveness(handle.connectOptions.databaseUrl, handle.db, log.child({ component: 'jobs' }))
        : undefined
    liveness = live
    const graph = createGraphClient()
    const mediaStore = openMediaStore(config)
    const secrets = createSecretsCache(handle.db, vault)
    rejections = createRejectionRecorder(handle.db)
    const db = handle.db
    const handlers: JobHandlers = {
      'system.noop': async () => undefined,
      'webhook.replay': createWebhookReplayJob({ db }),
      'media.download': createMediaDownloadJob({ db, vault, graph, config, store: mediaStore }),
      'numbers.refresh': numbersRefreshJob({ db, vault, graph, config }),
      'quality.watch': qualityWatchJob({ db, vault, graph, config }),
      'templates.sync': templatesSyncJob({ db, vault, graph, config }),
      'search.backfill': searchBackfillJob({ db }),
      'callback.deliver': countedCallbacks(createCallbackDeliverJob({ db, vault }), metrics),
      'campaign.run': createCampaignRunJob({
        handle,
        log: log.child({ component: 'campaigns' }),
        nudge: () => sendWorker?.nudge(),
        now: options.campaignClock?.now,
        recheckMs: options.campaignClock?.recheckMs,
      }),
    }
    const jobRunner = createJobRunner({
      handle,
      handlers,
      log: log.child({ component: 'jobs' }),
      releaseLocksOnStart: !handle.caps.multiProcess,
      workerId: live?.workerId('w'),
    })
    runner = jobRunner
    // Sends wait in their number's rate lane: their own worker, with many jobs in flight and
    // batched claims, keeps those waits from blocking webhook processing and keeps enough sends
    // booked ahead to fill a 1,000 msg/s lane (docs/decisions/0015-cluster-wide-rate-lanes.md).
    const lanes = createRateLanes(db, log.child({ component: 'lanes' }))
    const sendLog = log.child({ component: 'send' })
    const sends: SendWorker = createSendWorker({
      handle,
      ctx: { db, vault, graph, config, log: sendLog, nudge: () => sends.nudge() },
      lanes,
      workerId: live?.workerId('s'),
    })
    sendWorker = sends
    await scheduleNumbersRefresh(db)
    await scheduleQualityWatch(db)
    await scheduleTemplatesSync(db)
    // The webhook thread: processes webhooks; on SQLite it also commits the intake (decision 0078).
    processor = startWebhookProcessor({
      connect: handle.connectOptions,
      handle,
      log: log.child({ component: 'webhooks' }),
      onProcessed: () => jobRunner.nudge(),
      onDeadlock: () => metrics.dbDeadlocks.inc({ work: 'webhook.process' }),
      onWrongApp: () => metrics.webhookWrongApp.inc(),
      // The analytics fold runs on the webhook thread (decision 0092); its counts come back here.
      analytics: options.workers !== false ? { onTally: (t) => countFoldTally(metrics, t) } : undefined,
      walAutocheckpointPages: checkpoints ? fallbackAutocheckpointPages : undefined,
      workerIds: live && ((prefix) => live.workerId(prefix)),
    })
    registerThreadHeapGauge(metrics, { webhooks: processor, sqlite_checkpoint: checkpoints })
    const intake = createIntakeBatcher(db, {
      // SQLite: one batch committing on the writer thread while the next one is handed over.
      concurrency: handle.caps.multiProcess ? 4 : 2,
      // The webhook thread claims the batch (webhook.process runs there, never here) once its job
      // is due (decision 0131); on SQLite it committed the batch itself and wakes its runner
      // without a message from this thread.
      writer:
        processor.intakeWriter ??
        createJoiningIntakeWriter(db, {
          lingerMs: intakeLingerMs,
          onJobQueued: nudgeWhenDue(() => processor?.nudge()),
        }),
    })
    app = await buildApp({
      config,
      handle,
      log,
      vault,
      metrics,
      graph,
      mediaStore,
      secrets,
      rejections,
      intake,
      runner,
      sending: { lanes, nudge: () => sends.nudge() },
    })

    let url = ''
    if (options.listen !== false) {
      const address = await app.listen({ port: config.port, host: config.host })
      url = address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')
    } else {
      await app.ready()
    }
    const welcome: Welcome = {}
    if (options.firstRun) {
      welcome.admin = await ensureFirstAdmin(db)
      if (config.sandbox && options.listen !== false) {
        const extra = typeof options.firstRun === 'object' ? options.firstRun.sandbox : undefined
        sandbox = await startSandbox(
          {
            db,
            vault,
            graph,
            config,
            log: log.child({ component: 'sandbox' }),
            onChannelsChanged: () => secrets.invalidate(),
          },
          { ...extra, address: app.server.address() },
        )
        welcome.sandbox = sandbox?.welcome
      }
    }
    let pump: { stop(): Promise<void> } | undefined
    let rollups: RollupPump | undefined
    if (options.workers !== false) {
      // Before this instance claims: what dead instances held is claimable at once.
      await live?.startReaping()
      runner.start()
      // After the runner released a previous run's locks (SQLite), never before: the thread's
      // first claims must not be released under it.
      await jobRunner.started
      processor.startProcessing()
      sends.start()
      pump = startCallbackPump(db, log.child({ component: 'callbacks' }), {
        onQueued: () => jobRunner.nudge(),
      })
      const thread = processor
      rollups = { foldNow: () => thread.foldNow(), stop: async () => {} }
    }

    const started: Started = {
      app,
      runner,
      processor,
      sendWorker: sends,
      rejections,
      intake,
      pump,
      rollups,
      sandbox,
      checkpoints,
      liveness,
    }
    let closing: Promise<void> | undefined
    return {
      app,
      handle,
      vault,
      metrics,
      graph,
      mediaStore,
      secrets,
      rejections,
      intake,
      runner,
      sendWorker: sends,
      lanes,
      log,
      config,
      url,
      welcome,
      sandbox,
      rollups,
      checkpoints,
      close() {
        closing ??= (async () => {
          // Past the deadline (SIGTERM → WAHUB_SHUTDOWN_TIMEOUT_MS), what is still running is let
          // go: open connections are cut and the jobs' leases released so another instance takes
          // them now rather than after the lock timeout.
          let timer: NodeJS.Timeout | undefined
          const deadline = new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), config.shutdownTimeoutMs)
          })
          const drained = drain(started)
          const outcome = await Promise.race([drained.then(() => 'drained' as const), deadline])
          clearTimeout(timer)
          if (outcome === 'late') {
            log.warn(
              { deadlineMs: config.shutdownTimeoutMs },
              'shutdown deadline passed: cutting open connections and releasing unfinished jobs',
            )
            started.app.server.closeAllConnections()
            await started.processor?.terminate()
            await started.checkpoints?.stop()
            const released =
              (started.processor ? await releaseLocks(db, started.processor.workerId).catch(() => 0) : 0) +
              (await releaseLocks(db, started.runner.workerId).catch(() => 0)) +
              (await releaseLocks(db, started.sendWorker.workerId).catch(() => 0))
            if (released > 0) log.warn({ released }, 'jobs released for another instance')
          }
          await started.liveness?.close().catch(() => {})
          if (!options.handle) await handle.close()
        })()
        return closing
      },
    }
  } catch (err) {
    await sandbox?.close().catch(() => {})
    await app?.close().catch(() => {})
    await processor?.stop().catch(() => {})
    await checkpoints?.stop().catch(() => {})
    await runner?.stop().catch(() => {})
    await sendWorker?.stop().catch(() => {})
    await rejections?.stop().catch(() => {})
    await liveness?.close().catch(() => {})
    if (!options.handle) await handle.close().catch(() => {})
    throw err
  }
}
