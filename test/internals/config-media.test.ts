import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseMediaConfig } from '../../src/config-media.ts'

// WAHUB_MEDIA_URL (src/config-media.ts): where media is stored; a wrong value stops start-up
// with a sentence naming the variable and the fix.

const parse = (url: string, env: Record<string, string> = {}) =>
  parseMediaConfig(
    (name) => (name === 'WAHUB_MEDIA_URL' ? url : (env[name] ?? '')),
    (message) => new Error(message),
  )

describe('WAHUB_MEDIA_URL', () => {
  test('empty keeps media in the data directory; file:// names another folder', () => {
    assert.deepEqual(parse(''), { kind: 'local', dir: undefined })
    assert.deepEqual(parse('file:///srv/wahub-media/'), { kind: 'local', dir: '/srv/wahub-media' })
  })

  test('s3:// gives bucket, prefix, region, endpoint and path style', () => {
    assert.deepEqual(parse('s3://wahub-media/prod/media?region=eu-west-1'), {
      kind: 's3',
      bucket: 'wahub-media',
      prefix: 'prod/media',
      region: 'eu-west-1',
      endpoint: undefined,
      forcePathStyle: false,
    })
    const minio = parse('s3://media?endpoint=http://minio:9000&path_style=true', { AWS_REGION: 'sa-east-1' })
    assert.equal(minio.kind === 's3' && minio.endpoint, 'http://minio:9000')
    assert.equal(minio.kind === 's3' && minio.forcePathStyle, true)
    assert.equal(minio.kind === 's3' && minio.region, 'sa-east-1', 'AWS_REGION when the URL names none')
    assert.equal(minio.kind === 's3' && minio.prefix, '')
  })

  for (const [url, message] of [
    ['ftp://host/x', /must start with file:\/\/ or s3:\/\//],
    ['s3://Bad_Bucket/x', /bucket names are 3-63 lowercase/],
    ['s3://key:secret@bucket/x', /must not hold credentials: set AWS_ACCESS_KEY_ID/],
    ['s3://bucket?endpoint=minio:9000', /endpoint must be an http\(s\) URL/],
    ['s3://bucket?pathstyle=true', /unknown option "pathstyle": use region, endpoint, path_style/],
    ['s3://bucket?path_style=yes', /path_style must be true or false/],
    ['file://host/folder', /file:\/\/\/absolute\/folder/],
    ['not a url', /must be file:\/\/\/folder or s3:\/\/bucket\/prefix/],
  ] as const) {
    test(`"${url}" is refused with a sentence that names the fix`, () => {
      assert.throws(
        () => parse(url),
        (err: Error) => {
          assert.match(err.message, /^WAHUB_MEDIA_URL/)
          assert.match(err.message, message)
          return true
        },
      )
    })
  }
})
