import type { FastifyInstance } from 'fastify'
import { numbersRefreshJob, scheduleNumbersRefresh } from './channels/numbers-refresh-job.ts'
import { createVault, loadVaultKeys, type Vault } from './channels/vault.ts'
import { checkVaultKey } from './channels/vault-check.ts'
import { createGraphClient, type GraphClient } from './cloud-api/graph-client.ts'
import type { Config } from './config.ts'
import { connectDb, type DbHandle } from './db/connect.ts'
import { migrateToLatest } from './db/migrate.ts'
import { buildApp } from './http/app.ts'
import { createMediaDownloadJob } from './inbox/media-job.ts'
import { createJobRunner, type JobRunner } from './jobs/runner.ts'
import type { JobHandlers } from './jobs/types.ts'
import type { Logger } from './log.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { createIntakeBatcher, type IntakeBatcher } from './webhooks/intake-batcher.ts'
import { createWebhookProcessJob } from './webhooks/process-job.ts'
import { createRejectionRecorder, type RejectionRecorder } from './webhooks/rejections.ts'
import { createSecretsCache, type SecretsCache } from './webhooks/secrets-cache.ts'

// Starts one Wahub instance: database (migrated), vault, HTTP app, job workers. `wahub serve`
// and the tests both come through here, so what is tested is what runs.

export type Wahub = {
  app: FastifyInstance
  handle: DbHandle
  vault: Vault
  metrics: Metrics
  graph: GraphClient
  secrets: SecretsCache
  rejections: RejectionRecorder
  intake: IntakeBatcher
  runner: JobRunner
  log: Logger
  config: Config
  /** Base URL the server listens on (when started with listen). */
  url: string
  close(): Promise<void>
}

export type StartOptions = {
  log: Logger
  listen?: boolean
  workers?: boolean
  /** For tests: an already-open database. */
  handle?: DbHandle
}

export async function startWahub(config: Config, options: StartOptions): Promise<Wahub> {
  const { log } = options
  const handle =
    options.handle ?? (await connectDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }))
  let app: FastifyInstance | undefined
  let runner: JobRunner | undefined
  let rejections: RejectionRecorder | undefined
  try {
    const { applied } = await migrateToLatest(handle)
    if (applied.length > 0) log.info({ applied }, 'migrations applied')
    const keys = loadVaultKeys(config)
    const vault = createVault(keys.current, keys.previous)
    await checkVaultKey(handle.db, vault)

    const metrics = createMetrics()
    const graph = createGraphClient()
    const secrets = createSecretsCache(handle.db, vault)
    rejections = createRejectionRecorder(handle.db)
    const db = handle.db
    const handlers: JobHandlers = {
      'system.noop': async () => undefined,
      'webhook.process': createWebhookProcessJob({ db }),
      'media.download': createMediaDownloadJob({ db, vault, graph, config }),
      'numbers.refresh': numbersRefreshJob({ db, vault, graph, config }),
    }
    const jobRunner = createJobRunner({
      handle,
      handlers,
      log: log.child({ component: 'jobs' }),
      releaseLocksOnStart: !handle.caps.multiProcess,
    })
    runner = jobRunner
    await scheduleNumbersRefresh(db)
    const intake = createIntakeBatcher(db, {
      concurrency: handle.caps.multiProcess ? 4 : 1,
      onCommitted: () => jobRunner.nudge(),
    })
    app = await buildApp({ config, handle, log, vault, metrics, graph, secrets, rejections, intake, runner })

    let url = ''
    if (options.listen !== false) {
      const address = await app.listen({ port: config.port, host: config.host })
      url = address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')
    } else {
      await app.ready()
    }
    if (options.workers !== false) runner.start()

    const started = { app, runner, rejections, intake }
    let closing: Promise<void> | undefined
    return {
      app,
      handle,
      vault,
      metrics,
      graph,
      secrets,
      rejections,
      intake,
      runner,
      log,
      config,
      url,
      close() {
        closing ??= (async () => {
          // A keep-alive connection that was mid-request when closing began becomes idle only
          // after its answer; close those as they go idle instead of waiting for Node's
          // keep-alive timeout (seconds to minutes).
          const sweeper = setInterval(() => started.app.server.closeIdleConnections(), 50)
          try {
            await started.app.close()
          } finally {
            clearInterval(sweeper)
          }
          await started.intake.drain()
          await started.runner.stop()
          await started.rejections.stop()
          if (!options.handle) await handle.close()
        })()
        return closing
      },
    }
  } catch (err) {
    await app?.close().catch(() => {})
    await runner?.stop().catch(() => {})
    await rejections?.stop().catch(() => {})
    if (!options.handle) await handle.close().catch(() => {})
    throw err
  }
}
