import type { Readable } from 'node:stream'
import type { Config } from '../config.ts'
import { createLocalStore } from './local-store.ts'
import { createS3Store } from './s3-store.ts'

// Where downloaded media lives (SPEC §18): the data directory by default, or an S3-compatible
// object store shared by every instance (WAHUB_MEDIA_URL=s3://bucket/prefix), so that media one
// instance downloaded is served by any other. Keys are `media/<tenant>/<media id>`, the same in
// both stores; `media.storage_path` holds the key. Bytes always pass through Wahub on the way
// out, after the tenant check and with the media security headers (http/media-headers.ts).

export type StoredObject = { body: Readable; size: number }

export type MediaStore = {
  /** Where media is kept, for logs and the doctor (never credentials). */
  readonly location: string
  put(key: string, bytes: Uint8Array, contentType: string | null): Promise<void>
  /** Up to `length` first bytes (to sniff the type); fewer when the object is shorter. */
  head(key: string, length: number): Promise<Uint8Array>
  /** The object as a stream; `undefined` when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>
  /** Writes, reads back and deletes a probe object: throws with the store's reason when it cannot. */
  check(): Promise<void>
}

/** The key of one media file. Ids are Wahub's own (no `/` or `..`), checked all the same. */
export function mediaKey(tenantId: string | null, mediaId: string): string {
  const part = (s: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error(`not a storable id: ${JSON.stringify(s)}`)
    return s
  }
  return `media/${part(tenantId ?? 'unassigned')}/${part(mediaId)}`
}

export function openMediaStore(config: Pick<Config, 'dataDir' | 'media'>): MediaStore {
  const media = config.media
  if (media.kind === 's3') return createS3Store(media)
  return createLocalStore(media.dir ?? config.dataDir)
}
