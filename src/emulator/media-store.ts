import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { EmulatorContext } from './context.ts'
import { newObjectId } from './ids.ts'
import type { Media } from './types.ts'

// Media kinds, MIME types and size limits (FACTS §1.9, M-MEDIA).
export const mediaKinds = {
  audio: {
    mimes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * 1024 * 1024,
  },
  document: {
    mimes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
  image: { mimes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  // 500 KB is the animated limit; static stickers are capped at 100 KB (not distinguished here).
  sticker: { mimes: ['image/webp'], maxBytes: 500 * 1024 },
  video: { mimes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * 1024 * 1024 },
} as const

export type MediaKind = keyof typeof mediaKinds

/** The kind a MIME type can be sent as; parameters ("; codecs=opus") are ignored. */
export function kindOfMime(mime: string): MediaKind | undefined {
  const base = mime.split(';')[0].trim().toLowerCase()
  for (const [kind, spec] of Object.entries(mediaKinds) as [MediaKind, (typeof mediaKinds)[MediaKind]][]) {
    if ((spec.mimes as readonly string[]).includes(base)) return kind
  }
  return undefined
}

/** A document can carry any of the document MIME types; images may also be sent as documents. */
export function mimeFitsKind(mime: string, kind: MediaKind): boolean {
  const actual = kindOfMime(mime)
  if (actual === kind) return true
  return kind === 'document' && actual !== undefined
}

const urlKey = randomBytes(32)

export function storeMedia(
  ctx: EmulatorContext,
  input: { phoneNumberId: string; mimeType: string; bytes: Buffer; filename?: string },
): Media {
  const media: Media = {
    id: newObjectId(),
    phoneNumberId: input.phoneNumberId,
    mimeType: input.mimeType,
    bytes: input.bytes,
    sha256Hex: createHash('sha256').update(input.bytes).digest('hex'),
    filename: input.filename,
    createdAt: Date.now(),
    deleted: false,
  }
  ctx.state.media.set(media.id, media)
  return media
}

function urlHash(id: string, exp: number): string {
  return createHmac('sha256', urlKey).update(`${id}:${exp}`).digest('base64url')
}

/** An authorised download URL valid mediaUrlTtlMs (M-MEDIA: 5 minutes), lookaside-shaped. */
export function mediaDownloadUrl(ctx: EmulatorContext, media: Media): string {
  const exp = Math.floor((Date.now() + ctx.options.mediaUrlTtlMs) / 1000)
  return `${ctx.baseUrl}/lookaside/whatsapp_business/attachments/?mid=${media.id}&ext=${exp}&hash=${urlHash(media.id, exp)}`
}

export function checkDownloadUrl(query: Record<string, unknown>): { ok: true; id: string } | { ok: false } {
  const { mid, ext, hash } = query
  if (typeof mid !== 'string' || typeof ext !== 'string' || typeof hash !== 'string') return { ok: false }
  const exp = Number(ext)
  if (!Number.isFinite(exp) || exp * 1000 < Date.now()) return { ok: false }
  const expected = Buffer.from(urlHash(mid, exp))
  const given = Buffer.from(hash)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false }
  return { ok: true, id: mid }
}

const placeholderMime: Record<MediaKind, string> = {
  image: 'image/jpeg',
  audio: 'audio/ogg; codecs=opus',
  video: 'video/mp4',
  document: 'application/pdf',
  sticker: 'image/webp',
}

const magic: Record<MediaKind, Buffer> = {
  image: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  audio: Buffer.from('OggS'),
  video: Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]),
  document: Buffer.from('%PDF-1.4\n'),
  sticker: Buffer.from('RIFF\0\0\0\0WEBP'),
}

/** Bytes for media a simulated customer sends: a right magic number, then random content. */
export function placeholderMedia(kind: MediaKind, mimeType?: string): { bytes: Buffer; mimeType: string } {
  return {
    bytes: Buffer.concat([magic[kind], randomBytes(256)]),
    mimeType: mimeType ?? placeholderMime[kind],
  }
}
