import type { Db } from '../db/connect.ts'
import { newId } from '../ids.ts'
import { mediaLimits } from '../inbox/media-repo.ts'

// Media a tenant uploaded to send (`direction = 'out'` rows of the media table; inbound media
// belongs to inbox/). Kept so a send naming the media id can be checked — size for its type,
// MIME for its kind — before Meta is asked (SPEC §6 `media_too_large`).

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker'

// FACTS §1.9: what each kind accepts.
const mimeKinds: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'sticker',
  'audio/aac': 'audio',
  'audio/amr': 'audio',
  'audio/mpeg': 'audio',
  'audio/mp4': 'audio',
  'audio/ogg': 'audio',
  'video/mp4': 'video',
  'video/3gpp': 'video',
  'text/plain': 'document',
  'application/pdf': 'document',
  'application/msword': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.ms-excel': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
  'application/vnd.ms-powerpoint': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'document',
}

/** The kind a MIME type is sent as (`audio/ogg; codecs=opus` → audio), or undefined. */
export function kindOfMime(mime: string): MediaKind | undefined {
  return mimeKinds[mime.split(';')[0].trim().toLowerCase()]
}

/** Whether a file of this MIME type may be sent as a message of `type` (any file as document). */
export function mimeFits(mime: string, type: MediaKind): boolean {
  const kind = kindOfMime(mime)
  if (!kind) return false
  if (type === 'document') return true
  if (type === 'image') return kind === 'image'
  return kind === type
}

export function limitFor(type: MediaKind): number {
  return mediaLimits[type]
}

export async function recordUploadedMedia(
  db: Db,
  m: {
    tenantId: string
    numberRowId: string
    metaMediaId: string
    mimeType: string
    size: number
    sha256: string
    filename: string | null
  },
): Promise<string> {
  const id = newId('med')
  const now = Date.now()
  await db
    .insertInto('media')
    .values({
      id,
      tenant_id: m.tenantId,
      message_id: null,
      phone_number_id: m.numberRowId,
      meta_media_id: m.metaMediaId,
      direction: 'out',
      mime_type: m.mimeType,
      sha256: m.sha256,
      size_bytes: m.size,
      filename: m.filename,
      storage_path: null,
      state: 'ready',
      error: null,
      created_at: now,
      updated_at: now,
    })
    .execute()
  return id
}

/** A media this tenant uploaded, by Meta's media id. */
export async function findUploadedMedia(db: Db, tenantId: string, metaMediaId: string) {
  return db
    .selectFrom('media')
    .select(['id', 'mime_type', 'size_bytes', 'filename'])
    .where('tenant_id', '=', tenantId)
    .where('direction', '=', 'out')
    .where('meta_media_id', '=', metaMediaId)
    .executeTakeFirst()
}
