import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { nginxBinary, runCluster } from '../helpers/cluster-run.ts'
import { adminUrl, testDbKind } from '../helpers/db.ts'

// SPEC §18 / issue 14: the cluster proof, small (bench/cluster.ts runs it large): three
// `wahub serve` processes on one PostgreSQL and one S3-compatible bucket behind nginx, one killed
// with SIGKILL mid-run and started again.

describe('three instances behind nginx, one killed mid-run', () => {
  const skip =
    testDbKind === 'sqlite'
      ? 'several instances share a database only on PostgreSQL'
      : nginxBinary
        ? false
        : 'nginx is not installed (apt-get install -y nginx-light): .ci/run installs it'
  test('webhooks stored once, sends sent once, no 130429, media served by every instance, live everywhere', {
    skip,
    timeout: 300_000,
  }, async () => {
    const r = await runCluster({ instances: 3, customers: 60, images: 6, sends: 60, mps: 40, adminUrl })
    assert.equal(r.webhooksMissing, 0, 'every webhook answered 200 is stored')
    assert.ok(r.webhooksAnswered200 >= 66, `every inbound message was delivered (${r.webhooksAnswered200})`)
    assert.equal(r.inboundDuplicated, 0, 'no inbound message stored twice')
    assert.deepEqual(r.sendsRefused, [], 'every send was accepted through nginx')
    assert.equal(r.sendsDuplicated, 0, 'no message reached Meta twice')
    assert.equal(
      r.sendsMissing,
      0,
      `every accepted send reached Meta or is marked unknown: ${JSON.stringify(r)}`,
    )
    assert.equal(r.answered130429, 0, "the number's throughput was never exceeded across instances")
    assert.equal(r.mediaReady, 6, 'every image downloaded')
    assert.equal(r.mediaServedByEveryInstance, 6, 'every image served by every instance')
    assert.ok(r.liveFrames >= 60, `live updates reached the surviving instances' streams (${r.liveFrames})`)
  })
})
