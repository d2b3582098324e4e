import { createHash } from 'node:crypto'
import { callGraph } from '../channels/graph-failure.ts'
import { numberTarget } from '../channels/graph-target.ts'
import { resolveSenderNumber } from '../channels/sender.ts'
import { WahubError } from '../errors.ts'
import type { MessagingContext } from './context.ts'
import { kindOfMime, limitFor, recordUploadedMedia } from './outbound-media.ts'

// `POST /api/v1/media`: a file uploaded to Meta through one of the tenant's numbers
// (`POST /{phone-number-id}/media`, FACTS §1.9) → Meta's media id, valid 30 days, usable as
// `image.id` etc. Type and size are checked first (media_type_not_supported, media_too_large),
// and the upload is remembered so a later send can be checked against its kind and size.

export type UploadInput = {
  tenantId: string
  from?: string
  bytes: Uint8Array
  mimeType: string
  filename: string
}

export type UploadedMedia = {
  id: string
  mimeType: string
  kind: string
  size: number
  sha256: string
  filename: string
  from: string
  expiresAt: number
}

/** The largest file any kind accepts (documents, 100 MB). */
export const maxUploadBytes = limitFor('document')

export async function uploadMedia(ctx: MessagingContext, input: UploadInput): Promise<UploadedMedia> {
  const mime = input.mimeType.split(';')[0].trim().toLowerCase()
  const kind = kindOfMime(input.mimeType)
  if (!kind) {
    throw new WahubError(
      'media_type_not_supported',
      `WhatsApp cannot send files of type ${mime || '(none)'}.`,
      {
        mimeType: mime,
      },
    )
  }
  const limit = limitFor(kind)
  if (input.bytes.byteLength > limit) {
    throw new WahubError(
      'media_too_large',
      `The file is ${input.bytes.byteLength} bytes; ${kind} files (${mime}) may be at most ${limit} bytes.`,
      { size: input.bytes.byteLength, limit, kind },
    )
  }
  const sender = await resolveSenderNumber(ctx.db, input.tenantId, input.from)
  const target = await numberTarget(ctx, sender.numberRowId)
  const uploaded = await callGraph(`uploading ${input.filename} to number ${target.phoneNumberId}`, () =>
    ctx.graph.uploadMedia(target.target, target.phoneNumberId, {
      bytes: input.bytes,
      mimeType: input.mimeType,
      filename: input.filename,
    }),
  )
  const sha256 = createHash('sha256').update(input.bytes).digest('hex')
  await recordUploadedMedia(ctx.db, {
    tenantId: input.tenantId,
    numberRowId: sender.numberRowId,
    metaMediaId: uploaded.id,
    mimeType: input.mimeType,
    size: input.bytes.byteLength,
    sha256,
    filename: input.filename,
  })
  ctx.log.info(
    { tenantId: input.tenantId, mediaId: uploaded.id, kind, size: input.bytes.byteLength },
    'media uploaded',
  )
  return {
    id: uploaded.id,
    mimeType: input.mimeType,
    kind,
    size: input.bytes.byteLength,
    sha256,
    filename: input.filename,
    from: target.phoneNumberId,
    expiresAt: Date.now() + 30 * 24 * 60 * 60 * 1000,
  }
}
