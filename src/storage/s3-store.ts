import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import type { S3MediaConfig } from '../config-media.ts'
import type { MediaStore } from './media-store.ts'

// Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …) through the AWS SDK, with
// credentials from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles,
// instance roles) — Wahub never stores them. Objects are written whole (media is at most 100 MB
// and already in memory after its sha256 check) with their MIME type; reads stream.

export function createS3Store(config: S3MediaConfig): MediaStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
  })
  const objectKey = (key: string) => (config.prefix ? `${config.prefix}/${key}` : key)
  const explain = (err: unknown, what: string) => {
    const reason = err instanceof S3ServiceException ? `${err.name}: ${err.message}` : (err as Error).message
    return new Error(`S3 ${what} in s3://${config.bucket}/${config.prefix} failed (${reason})`)
  }
  return {
    location: `s3://${config.bucket}/${config.prefix}${config.endpoint ? ` at ${config.endpoint}` : ''}`,
    async put(key, bytes, contentType) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: contentType ?? 'application/octet-stream',
          }),
        )
      } catch (err) {
        throw explain(err, `upload of ${key}`)
      }
    },
    async head(key, length) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket: config.bucket,
            Key: objectKey(key),
            Range: `bytes=0-${length - 1}`,
          }),
        )
        return res.Body ? await res.Body.transformToByteArray() : new Uint8Array()
      } catch (err) {
        throw explain(err, `read of ${key}`)
      }
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }))
        return { body: res.Body as Readable, size: Number(res.ContentLength ?? 0) }
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined
        throw explain(err, `read of ${key}`)
      }
    },
    async check() {
      const key = `media/.probe-${process.pid}`
      await this.put(key, Buffer.from('probe'), 'text/plain')
      await this.head(key, 5)
      try {
        await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: objectKey(key) }))
      } catch (err) {
        throw explain(err, `delete of ${key}`)
      }
    },
  }
}
