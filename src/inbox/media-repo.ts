import type { Selectable } from 'kysely'
import type { Db } from '../db/connect.ts'
import type { MediaTable } from '../db/schema.ts'
import { newId } from '../ids.ts'
import { enqueueJob } from '../jobs/jobs-repo.ts'

// Media of messages. An inbound media message exists at once with its media `pending`; the
// download job moves it to `ready` (file under the data dir) or `failed` (SPEC §5).

export type MediaRow = Selectable<MediaTable>

// Meta's limits per kind (FACTS §1.9); inbound documents may be up to 100 MB.
export const mediaLimits: Record<string, number> = {
  image: 5 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  document: 100 * 1024 * 1024,
  sticker: 500 * 1024,
}

export const mediaTypes = Object.keys(mediaLimits)

export async function createInboundMedia(
  db: Db,
  input: {
    tenantId: string
    messageId: string
    numberRowId: string
    metaMediaId: string
    mimeType: string | null
    sha256: string | null
    filename: string | null
  },
): Promise<string> {
  const id = newId('med')
  const now = Date.now()
  await db
    .insertInto('media')
    .values({
      id,
      tenant_id: input.tenantId,
      message_id: input.messageId,
      phone_number_id: input.numberRowId,
      meta_media_id: input.metaMediaId,
      direction: 'in',
      mime_type: input.mimeType,
      sha256: input.sha256,
      size_bytes: null,
      filename: input.filename,
      storage_path: null,
      state: 'pending',
      error: null,
      created_at: now,
      updated_at: now,
    })
    .execute()
  // Meta's media URLs expire (5 minutes, FACTS §1.9): fetch promptly, retry a few times.
  await enqueueJob(db, 'media.download', { mediaId: id }, { maxAttempts: 8 })
  return id
}

export async function getMedia(db: Db, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function getTenantMedia(db: Db, tenantId: string, id: string): Promise<MediaRow | undefined> {
  return db
    .selectFrom('media')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function mediaForMessages(db: Db, messageIds: string[]): Promise<Map<string, MediaRow>> {
  const out = new Map<string, MediaRow>()
  if (messageIds.length === 0) return out
  const rows = await db.selectFrom('media').selectAll().where('message_id', 'in', messageIds).execute()
  for (const row of rows) out.set(row.message_id as string, row)
  return out
}

export async function markMediaReady(
  db: Db,
  id: string,
  file: { path: string; size: number; sha256: string; mimeType: string | null },
): Promise<void> {
  await db
    .updateTable('media')
    .set((eb) => ({
      state: 'ready',
      storage_path: file.path,
      size_bytes: file.size,
      sha256: file.sha256,
      mime_type: file.mimeType ?? eb.ref('mime_type'),
      error: null,
      attempts: eb('attempts', '+', 1),
      updated_at: Date.now(),
    }))
    .where('id', '=', id)
    .execute()
}

export async function markMediaAttempt(db: Db, id: string, error: string, failed: boolean): Promise<void> {
  await db
    .updateTable('media')
    .set((eb) => ({
      state: failed ? 'failed' : 'pending',
      error: error.slice(0, 500),
      attempts: eb('attempts', '+', 1),
      updated_at: Date.now(),
    }))
    .where('id', '=', id)
    .execute()
}
