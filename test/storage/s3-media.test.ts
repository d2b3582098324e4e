import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { createLogger } from '../../src/log.ts'
import { startWahub, type Wahub } from '../../src/wahub.ts'
import { testDbKind } from '../helpers/db.ts'
import { type Harness, type Onboarded, onboardSeed, startHarness } from '../helpers/harness.ts'
import { waitFor } from '../helpers/wait.ts'

// SPEC §18 / issue 14: with WAHUB_MEDIA_URL=s3://…, media that one instance downloaded is served
// by any other, from a real S3-compatible server (s3rver, started here), never from local disk.

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

describe(`media in an S3-compatible bucket (${testDbKind})`, () => {
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-s3rver-'))
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'wahub-media', configs: [] }],
  })
  let endpoint: string
  let h: Harness
  let seed: Onboarded
  let second: Wahub | undefined
  let secondHandle: Awaited<ReturnType<Harness['db']['connectAgain']>> | undefined
  const secondDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wahub-second-'))

  before(async () => {
    const { port } = await server.run()
    endpoint = `http://127.0.0.1:${port}`
    // The AWS SDK reads credentials from the standard environment, as in production.
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey
    const media = `s3://wahub-media/tenants-media?endpoint=${encodeURIComponent(endpoint)}&path_style=true`
    h = await startHarness({ env: { WAHUB_MEDIA_URL: media } })
    seed = await onboardSeed(h)
    // Another instance: its own data directory (nothing local to share but the secret key, which
    // every instance of a database needs) on the same database.
    fs.copyFileSync(path.join(h.db.dataDir, 'secret.key'), path.join(secondDataDir, 'secret.key'))
    secondHandle = testDbKind === 'postgres' ? await h.db.connectAgain() : h.db
    second = await startWahub(
      { ...h.wahub.config, port: 0, dataDir: secondDataDir },
      { log: createLogger('silent'), handle: secondHandle, workers: false },
    )
  })
  after(async () => {
    await second?.close()
    if (secondHandle && secondHandle !== h.db) await secondHandle.close()
    await h.close()
    await server.close()
    fs.rmSync(s3Dir, { recursive: true, force: true })
    fs.rmSync(secondDataDir, { recursive: true, force: true })
  })

  test('an inbound image is stored in the bucket and served by another instance', async () => {
    const customer = '34612345678'
    const { id: wamid } = h.emulator.control.customerSends(
      customer,
      { type: 'image', image: { caption: 'pan de centeno' } },
      { phoneNumberId: seed.acme.phoneNumberId },
    )
    const media = await waitFor('the image downloaded by the first instance', () =>
      h.db.db
        .selectFrom('media as m')
        .innerJoin('messages as g', 'g.id', 'm.message_id')
        .selectAll('m')
        .where('g.wamid', '=', wamid)
        .where('m.state', '=', 'ready')
        .executeTakeFirst(),
    )
    assert.equal(media.storage_path, `media/${seed.acme.id}/${media.id}`)

    // In the bucket, under the prefix, with its type and the bytes whose sha256 was checked.
    const s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials })
    const object = await s3.send(
      new GetObjectCommand({ Bucket: 'wahub-media', Key: `tenants-media/${media.storage_path}` }),
    )
    const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? [])
    assert.equal(stored.length, media.size_bytes)
    assert.equal(createHash('sha256').update(stored).digest('hex'), media.sha256)
    assert.equal(object.ContentType, media.mime_type)
    assert.equal(
      fs.existsSync(path.join(h.db.dataDir, 'media')),
      false,
      'nothing is written to the local data directory',
    )

    // Served by the other instance, with the tenant check and the media headers.
    const res = await fetch(`${second?.url}/api/v1/media/${media.id}`, {
      headers: { authorization: `Bearer ${seed.acme.key}` },
    })
    assert.equal(res.status, 200, await res.clone().text())
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), stored, 'the same bytes')
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(res.headers.get('content-length'), String(stored.length))
    const other = await fetch(`${second?.url}/api/v1/media/${media.id}`, {
      headers: { authorization: `Bearer ${seed.globex.key}` },
    })
    assert.equal(other.status, 404, "another tenant's key does not see it")
  })

  test('a media row whose object is missing from the store answers 409 naming the store', async () => {
    const row = await h.db.db
      .selectFrom('media')
      .select(['id', 'storage_path'])
      .where('state', '=', 'ready')
      .executeTakeFirstOrThrow()
    await h.db.db
      .updateTable('media')
      .set({ storage_path: `${row.storage_path}-gone` })
      .where('id', '=', row.id)
      .execute()
    try {
      const res = await h.api('GET', `/api/v1/media/${row.id}`, { key: seed.acme.key })
      assert.equal(res.status, 409)
      const { error } = res.body as { error: { code: string; message: string } }
      assert.equal(error.code, 'conflict')
      assert.match(error.message, /missing from the media store \(s3:\/\/wahub-media/)
    } finally {
      await h.db.db
        .updateTable('media')
        .set({ storage_path: row.storage_path })
        .where('id', '=', row.id)
        .execute()
    }
  })

  test('the doctor says where media is stored and that the bucket takes writes', async () => {
    const res = await h.api('GET', '/api/v1/admin/diagnostics', { key: h.adminKey })
    assert.equal(res.status, 200, res.text)
    const found = (res.body as { checks: { id: string; status: string; seen: string }[] }).checks.find(
      (c) => c.id === 'media.storage',
    )
    assert.equal(found?.status, 'pass', JSON.stringify(found))
    assert.match(
      found?.seen ?? '',
      /s3:\/\/wahub-media\/tenants-media at http:\/\/127\.0\.0\.1:\d+, shared by every instance/,
    )
  })

  test('the doctor-style probe writes, reads back and deletes an object', async () => {
    await h.wahub.mediaStore.check()
    assert.match(
      h.wahub.mediaStore.location,
      /^s3:\/\/wahub-media\/tenants-media at http:\/\/127\.0\.0\.1:\d+$/,
    )
  })
})
