import { runCluster } from '../test/helpers/cluster-run.ts'
import { adminUrl } from '../test/helpers/db.ts'
import { machine, printTable } from './lib.ts'

// SPEC §18 / issue 14: three `wahub serve` processes on one PostgreSQL and one S3-compatible
// bucket behind nginx, with a SIGKILL of one instance in the middle (test/helpers/cluster-run.ts
// says what is counted). PostgreSQL at WAHUB_TEST_DATABASE_URL (default the local one); nginx
// from Debian's packages.
//   node bench/cluster.ts
//   BENCH_INSTANCES=3 BENCH_CUSTOMERS=2000 BENCH_IMAGES=100 BENCH_SENDS=1000 BENCH_MPS=80 node bench/cluster.ts

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

const result = await runCluster({
  instances: env('BENCH_INSTANCES', 3),
  customers: env('BENCH_CUSTOMERS', 2000),
  images: env('BENCH_IMAGES', 100),
  sends: env('BENCH_SENDS', 1000),
  mps: env('BENCH_MPS', 80),
  adminUrl,
  log: (line) => console.log(line),
})
console.log(`\nmachine: ${machine()}`)
printTable('cluster: instances behind nginx, one killed with SIGKILL mid-run', [
  {
    instances: result.instances,
    'webhooks 200': result.webhooksAnswered200,
    stored: result.webhooksStored,
    missing: result.webhooksMissing,
    'inbound dup': result.inboundDuplicated,
    'sends accepted': result.sendsAccepted,
    'sent once': result.sendsSent,
    unknown: result.sendsUnknown,
    'sent twice': result.sendsDuplicated,
    'answered 130429': result.answered130429,
  },
])
printTable('cluster: media and live updates', [
  {
    'media ready': result.mediaReady,
    'served by every instance': result.mediaServedByEveryInstance,
    'live frames': result.liveFrames,
    'live p50 ms': result.liveP50Ms,
    'live p99 ms': result.liveP99Ms,
    'killed instance': result.killedInstance,
    'total s': Math.round(result.totalMs / 100) / 10,
  },
])
const wrong =
  result.webhooksMissing +
  result.inboundDuplicated +
  result.sendsDuplicated +
  result.answered130429 +
  result.sendsMissing
process.exit(wrong === 0 && result.mediaServedByEveryInstance === result.mediaReady ? 0 : 1)
