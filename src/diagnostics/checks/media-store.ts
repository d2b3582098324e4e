import { type Check, check } from '../types.ts'

// Can downloaded media be stored and read back? The store is the data directory or an
// S3-compatible bucket (WAHUB_MEDIA_URL, storage/media-store.ts); doctor writes, reads back and
// deletes a probe object. Without it, inbound images, audio and documents stay "pending" and the
// inbox shows them as failed downloads.

export type MediaStoreProbe = { location: string; shared: boolean; error: string | null }

export function mediaStoreCheck(probe: MediaStoreProbe): Check {
  const data = { location: probe.location, shared: probe.shared }
  if (probe.error) {
    return check(
      'media.storage',
      null,
      'fail',
      `Media cannot be stored in ${probe.location}: ${probe.error}.`,
      probe.shared
        ? 'Check the bucket exists, WAHUB_MEDIA_URL (region, endpoint, path_style) and that AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY may write, read and delete in it (deploy/README.md).'
        : 'Check that WAHUB_DATA_DIR (or the file:// folder of WAHUB_MEDIA_URL) exists and is writable by the user running Wahub.',
      data,
    )
  }
  return check(
    'media.storage',
    null,
    'pass',
    probe.shared
      ? `Media is stored in ${probe.location}, shared by every instance.`
      : `Media is stored in ${probe.location} (this machine only: with several instances, set WAHUB_MEDIA_URL to an s3:// bucket).`,
    null,
    data,
  )
}
