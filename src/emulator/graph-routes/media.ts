import type { FastifyInstance, FastifyRequest } from 'fastify'
import { authenticate, rawToken } from '../auth.ts'
import type { EmulatorContext } from '../context.ts'
import { GraphError, invalidParam } from '../graph-errors.ts'
import { numberFor } from '../lookup.ts'
import { checkDownloadUrl, kindOfMime, mediaDownloadUrl, mediaKinds, storeMedia } from '../media-store.ts'
import { requestInfo } from '../request-info.ts'
import type { JsonObject, Media } from '../types.ts'

// Media (FACTS §1.9, M-MEDIA): multipart upload → {id}; GET /{media-id} → a download URL valid
// 5 minutes; the URL needs the bearer token; DELETE /{media-id}.

const uploadLimit = 100 * 1024 * 1024

export function presentMedia(ctx: EmulatorContext, media: Media): JsonObject {
  return {
    url: mediaDownloadUrl(ctx, media),
    mime_type: media.mimeType,
    sha256: media.sha256Hex,
    // file_size is a string in Meta's examples.
    file_size: String(media.bytes.length),
    id: media.id,
    messaging_product: 'whatsapp',
  }
}

type Upload = { fields: Record<string, string>; file?: { bytes: Buffer; mimetype: string; filename: string } }

async function readUpload(req: FastifyRequest): Promise<Upload> {
  const upload: Upload = { fields: {} }
  if (!req.isMultipart()) {
    throw invalidParam('The upload must be multipart/form-data with messaging_product, file and type.')
  }
  try {
    for await (const part of req.parts({ limits: { fileSize: uploadLimit + 1, files: 1, fields: 20 } })) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer()
        upload.file = { bytes, mimetype: part.mimetype, filename: part.filename }
      } else if (typeof part.value === 'string') {
        upload.fields[part.fieldname] = part.value
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new GraphError(131053, 'The file is larger than 100 MB.')
    throw invalidParam(`The multipart body could not be read: ${(err as Error).message}`)
  }
  return upload
}

export async function mediaRoutes(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.post('/:id/media', async (req) => {
    const { id } = req.params as { id: string }
    const number = numberFor(ctx, req, id, 'messaging')
    const upload = await readUpload(req)
    requestInfo(req).bodySummary = {
      ...upload.fields,
      file: upload.file ? { filename: upload.file.filename, bytes: upload.file.bytes.length } : undefined,
    }
    if (upload.fields.messaging_product === undefined)
      throw invalidParam('The parameter messaging_product is required.')
    if (upload.fields.messaging_product !== 'whatsapp')
      throw invalidParam('Param messaging_product must be whatsapp.')
    if (!upload.file) throw invalidParam('The parameter file is required.')
    const mime = (upload.fields.type ?? upload.file.mimetype ?? '').trim()
    if (!mime || mime === 'application/octet-stream') throw invalidParam('The parameter type is required.')
    const kind = kindOfMime(mime)
    if (!kind) throw new GraphError(131053, `Upload attempted is of an unsupported MIME type: ${mime}.`)
    if (upload.file.bytes.length === 0) throw new GraphError(131053, 'The uploaded file is empty.')
    const max = mediaKinds[kind].maxBytes
    if (upload.file.bytes.length > max) {
      throw new GraphError(
        131053,
        `File size ${upload.file.bytes.length} bytes is over the ${kind} limit of ${max} bytes.`,
      )
    }
    const media = storeMedia(ctx, {
      phoneNumberId: number.id,
      mimeType: mime,
      bytes: upload.file.bytes,
      filename: upload.file.filename,
    })
    return { id: media.id }
  })
}

/** GET of the authorised download URL: 404 when expired or forged, 401 without a valid token. */
export async function mediaDownloadRoute(app: FastifyInstance, { ctx }: { ctx: EmulatorContext }) {
  app.get('/lookaside/whatsapp_business/attachments/', async (req, reply) => {
    const check = checkDownloadUrl(req.query as Record<string, unknown>)
    const media = check.ok ? ctx.state.media.get(check.id) : undefined
    if (!check.ok || !media || media.deleted) {
      return reply.code(404).type('text/plain').send('Not Found: the media URL expired or is not valid')
    }
    try {
      authenticate(ctx, rawToken(req))
    } catch {
      return reply.code(401).type('text/plain').send('Unauthorized: this URL needs the access token')
    }
    return reply.code(200).type(media.mimeType).header('content-length', media.bytes.length).send(media.bytes)
  })
}
