import { createHash } from 'node:crypto'
import { numberTarget } from '../channels/graph-target.ts'
import type { Vault } from '../channels/vault.ts'
import type { GraphClient } from '../cloud-api/graph-client.ts'
import { GraphError } from '../cloud-api/graph-client.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { JobHandler } from '../jobs/types.ts'
import { type MediaStore, mediaKey } from '../storage/media-store.ts'
import { getMedia, markMediaAttempt, markMediaReady, mediaLimits } from './media-repo.ts'

// Downloads an inbound message's media: GET /{media-id} for a fresh URL, then the URL with the
// WABA's token (FACTS §1.9), checks the sha256 Meta announced, and stores the file in the media
// store (the data directory, or an S3-compatible bucket shared by every instance). Failures are retried with backoff; after the last attempt the
// media is `failed` with the reason, and the message stays visible.

export type MediaJobDeps = { db: Db; vault: Vault; graph: GraphClient; config: Config; store: MediaStore }

function sha256Matches(expected: string | null, bytes: Uint8Array): { ok: boolean; hex: string } {
  const digest = createHash('sha256').update(bytes).digest()
  const hex = digest.toString('hex')
  if (!expected) return { ok: true, hex }
  // Webhooks carry base64 digests, media info sometimes hex: accept either spelling.
  const ok =
    expected === hex || expected === digest.toString('base64') || expected === digest.toString('base64url')
  return { ok, hex }
}

export function createMediaDownloadJob(deps: MediaJobDeps): JobHandler<'media.download'> {
  return async ({ mediaId }, { job, log, signal }) => {
    const media = await getMedia(deps.db, mediaId)
    if (!media || media.state === 'ready' || !media.meta_media_id) return undefined
    const last = job.attempts >= job.maxAttempts
    try {
      // Throws not_found when the number was removed meanwhile: retried, then the media is failed.
      const { target } = await numberTarget(deps, media.phone_number_id)
      const kind = (media.mime_type ?? '').split('/')[0]
      const info = await deps.graph.getMedia(target, media.meta_media_id, { signal })
      const limit =
        mediaLimits[kind === 'image' && media.mime_type === 'image/webp' ? 'sticker' : kind] ??
        mediaLimits.document
      const bytes = await deps.graph.downloadMedia(target, info.url, { maxBytes: limit, signal })
      const check = sha256Matches(media.sha256 ?? info.sha256 ?? null, bytes)
      if (!check.ok) throw new Error('the downloaded file does not match the sha256 Meta announced')
      const key = mediaKey(media.tenant_id, media.id)
      await deps.store.put(key, bytes, info.mime_type ?? media.mime_type)
      await markMediaReady(deps.db, media.id, {
        path: key,
        size: bytes.length,
        sha256: check.hex,
        mimeType: info.mime_type ?? null,
      })
      log.info({ mediaId, size: bytes.length }, 'media stored')
      return undefined
    } catch (err) {
      const reason =
        err instanceof GraphError ? `${err.code} ${err.title}: ${err.info.meaning}` : (err as Error).message
      await markMediaAttempt(deps.db, media.id, reason, last)
      log.warn(
        { mediaId, reason, last },
        last ? 'media download failed' : 'media download failed, will retry',
      )
      if (last) return undefined
      throw err
    }
  }
}
