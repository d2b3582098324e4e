import { fileTypeFromBuffer } from 'file-type'

// SPEC §12, issue 12 defect 5: a customer-sent file is served from the dashboard's origin, so
// it must never become active content there. A file is shown inline only when it is an image,
// audio or video type the dashboard renders AND its bytes say so (Meta's declared MIME type is
// the sender's claim); everything else is a download. Every media answer carries nosniff and a
// CSP that sandboxes whatever a browser might still render. Called by the media route (whatever
// stores the file), so it stays apart from where the bytes live.

/** What the dashboard renders in <img>, <audio> and <video> (WhatsApp's media types). */
const inlineTypes = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/amr',
  'video/mp4',
  'video/3gpp',
])

export const mediaCsp = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"

function sameType(a: string, b: string): boolean {
  const norm = (t: string) => (t === 'audio/x-m4a' ? 'audio/mp4' : t === 'audio/opus' ? 'audio/ogg' : t)
  return norm(a) === norm(b)
}

/** The safe-to-send headers for a stored media file. `sniffed` is what its bytes are. */
export function mediaHeaders(input: {
  declaredMime: string | null
  sniffedMime: string | undefined
  filename: string | null
}): Record<string, string> {
  const declared = (input.declaredMime ?? '').split(';')[0].trim().toLowerCase()
  const sniffed = input.sniffedMime?.toLowerCase()
  const inline =
    sniffed !== undefined && inlineTypes.has(sniffed) && (declared === '' || sameType(declared, sniffed))
  const name = (input.filename ?? 'media').replace(/["\\\r\n]/g, '_').replace(/[^\x20-\x7e]/g, '_')
  const encoded = encodeURIComponent(input.filename ?? 'media')
  return {
    'content-type': inline ? (sniffed as string) : 'application/octet-stream',
    'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"; filename*=UTF-8''${encoded}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': mediaCsp,
    'cross-origin-resource-policy': 'same-origin',
  }
}

/** How many first bytes `sniffBytes` needs (file-type's sample size). */
export const sniffLength = 4100

/** The type the first bytes of a file show (`sniffLength` of them), whatever was declared. */
export async function sniffBytes(bytes: Uint8Array): Promise<string | undefined> {
  return (await fileTypeFromBuffer(bytes))?.mime
}
