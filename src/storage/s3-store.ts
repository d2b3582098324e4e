import type { Readable } from 'node:stream'
import type { S3Client } from '@aws-sdk/client-s3'
import type { S3MediaConfig } from '../config-media.ts'
import type { MediaStore } from './media-store.ts'

// Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …) through the AWS SDK, with
// credentials from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles,
// instance roles) — Wahub never stores them. Objects are written whole (media is at most 100 MB
// and already in memory after its sha256 check) with their MIME type; reads stream.
// The SDK (~20 MB of memory once loaded) is loaded on the store's first use, so an instance
// keeping media in its data directory never loads it.

type Sdk = typeof import('@aws-sdk/client-s3')

export function createS3Store(config: S3MediaConfig): MediaStore {
  let loaded: Promise<{ sdk: Sdk; client: S3Client }> | undefined
  const open = () => {
    loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        forcePathStyle: config.forcePathStyle,
      }),
    }))
    return loaded
  }
  const objectKey = (key: string) => (config.prefix ? `${config.prefix}/${key}` : key)
  const explain = (sdk: Sdk, err: unknown, what: string) => {
    const reason =
      err instanceof sdk.S3ServiceException ? `${err.name}: ${err.message}` : (err as Error).message
    return new Error(`S3 ${what} in s3://${config.bucket}/${config.prefix} failed (${reason})`)
  }
  return {
    location: `s3://${config.bucket}/${config.prefix}${config.endpoint ? ` at ${config.endpoint}` : ''}`,
    async put(key, bytes, contentType) {
      const { sdk, client } = await open()
      try {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: contentType ?? 'application/octet-stream',
          }),
        )
      } catch (err) {
        throw explain(sdk, err, `upload of ${key}`)
      }
    },
    async head(key, length) {
      const { sdk, client } = await open()
      try {
        const res = await client.send(
          new sdk.GetObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Range: `bytes=0-${length - 1}`,
          }),
        )
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array()
      } catch (err) {
        throw explain(sdk, err, `read of ${key}`)
      }
    },
    async get(key) {
      const { sdk, client } = await open()
      try {
        const res = await client.send(
          new sdk.GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }),
        )
        return { body: res.Body as Readable, size: Number(res.ContentLength ?? 0) }
      } catch (err) {
        if (err instanceof sdk.NoSuchKey) return undefined
        throw explain(sdk, err, `read of ${key}`)
      }
    },
    async check() {
      const key = `media/.probe-${process.pid}`
      await this.put(key, Buffer.from('probe'), 'text/plain')
      await this.head(key, 5)
      const { sdk, client } = await open()
      try {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }))
      } catch (err) {
        throw explain(sdk, err, `delete of ${key}`)
      }
    },
  }
}
