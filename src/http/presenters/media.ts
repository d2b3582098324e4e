import { Type } from 'typebox'
import type { UploadedMedia } from '../../messaging/media-upload.ts'
import { Millis } from './schema-helpers.ts'

// Every field of an uploaded media file that leaves the API (POST /api/v1/media).

export const UploadedMediaSchema = Type.Object({
  id: Type.String({ description: "Meta's media id: use it as image.id, document.id… (valid 30 days)" }),
  mimeType: Type.String(),
  kind: Type.String({ description: 'image | audio | video | document | sticker' }),
  size: Type.Integer(),
  sha256: Type.String(),
  filename: Type.String(),
  from: Type.String({ description: "The number (Meta's phone_number_id) it was uploaded through" }),
  expiresAt: Millis,
})

export function presentUploadedMedia(m: UploadedMedia) {
  return { ...m }
}
