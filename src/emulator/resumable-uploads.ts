import type { FastifyRequest } from 'fastify'
import { authenticate, rawToken } from './auth.ts'
import type { EmulatorContext } from './context.ts'
import { GraphError, invalidParam, unknownObject } from './graph-errors.ts'
import { newHexId } from './ids.ts'
import { requestInfo } from './request-info.ts'
import type { JsonObject } from './types.ts'

// Meta's Resumable Upload API, the only way to give a template's media header an example:
//   POST /{app-id}/uploads?file_name&file_length&file_type → { id: "upload:…" }
//   POST /upload:{id} (Authorization: OAuth <token>, file_offset header, raw bytes) → { h: handle }
//   GET  /upload:{id} → { id, file_offset } (where to resume an interrupted upload)
// A handle is then given as components[].example.header_handle[0] when the template is created.

const uploadTypes = ['image/jpeg', 'image/png', 'video/mp4', 'application/pdf'] as const
const maxLength = 100 * 1024 * 1024

type Session = {
  id: string
  appId: string
  fileName: string
  fileType: string
  length: number
  chunks: Buffer[]
  offset: number
}
export type UploadedFile = { fileName: string; fileType: string; bytes: Buffer }

const sessionsOf = new WeakMap<EmulatorContext, Map<string, Session>>()
const handlesOf = new WeakMap<EmulatorContext, Map<string, UploadedFile>>()

function store<T>(map: WeakMap<EmulatorContext, Map<string, T>>, ctx: EmulatorContext): Map<string, T> {
  const existing = map.get(ctx)
  if (existing) return existing
  const created = new Map<string, T>()
  map.set(ctx, created)
  return created
}

export function isUploadId(id: string): boolean {
  return id.startsWith('upload:')
}

/** The file a handle names, if this emulator issued it. */
export function uploadedFile(ctx: EmulatorContext, handle: string): UploadedFile | undefined {
  return store(handlesOf, ctx).get(handle)
}

export function startUpload(
  ctx: EmulatorContext,
  req: FastifyRequest,
  appId: string,
  params: Record<string, unknown>,
): JsonObject {
  const token = authenticate(ctx, rawToken(req))
  if (token.appId !== appId) throw unknownObject('post', appId)
  const fileName =
    typeof params.file_name === 'string' && params.file_name !== '' ? params.file_name : undefined
  if (!fileName) throw invalidParam('The parameter file_name is required.')
  const length = Number(params.file_length)
  if (!Number.isInteger(length) || length < 1 || length > maxLength) {
    throw invalidParam('The parameter file_length must be the file size in bytes (1 to 104857600).')
  }
  const fileType = String(params.file_type ?? '')
  if (!(uploadTypes as readonly string[]).includes(fileType)) {
    throw invalidParam(`The parameter file_type must be one of: ${uploadTypes.join(', ')}.`)
  }
  const id = `upload:${Buffer.from(`${appId}:${newHexId(12)}`).toString('base64url')}`
  store(sessionsOf, ctx).set(id, { id, appId, fileName, fileType, length, chunks: [], offset: 0 })
  return { id }
}

function sessionFor(ctx: EmulatorContext, req: FastifyRequest, id: string): Session {
  const token = authenticate(ctx, rawToken(req))
  const session = store(sessionsOf, ctx).get(id)
  if (!session || session.appId !== token.appId) throw unknownObject(req.method.toLowerCase(), id)
  return session
}

export function uploadStatus(ctx: EmulatorContext, req: FastifyRequest, id: string): JsonObject {
  const session = sessionFor(ctx, req, id)
  return { id: session.id, file_offset: session.offset }
}

export function uploadChunk(ctx: EmulatorContext, req: FastifyRequest, id: string): JsonObject {
  const session = sessionFor(ctx, req, id)
  const offset = Number(req.headers.file_offset)
  if (!Number.isInteger(offset) || offset !== session.offset) {
    throw new GraphError(
      100,
      `The file_offset header must be ${session.offset} (the bytes received so far).`,
      {
        subcode: 1363037,
      },
    )
  }
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
  requestInfo(req).bodySummary = { file_offset: offset, bytes: bytes.length }
  if (bytes.length === 0) throw invalidParam('The upload body is empty: send the file bytes.')
  if (session.offset + bytes.length > session.length) {
    throw invalidParam(`The upload is longer than file_length (${session.length} bytes).`)
  }
  session.chunks.push(bytes)
  session.offset += bytes.length
  if (session.offset < session.length) return { id: session.id, file_offset: session.offset }
  const handle = `4::${Buffer.from(session.fileType).toString('base64')}:${newHexId(24)}`
  store(handlesOf, ctx).set(handle, {
    fileName: session.fileName,
    fileType: session.fileType,
    bytes: Buffer.concat(session.chunks),
  })
  store(sessionsOf, ctx).delete(id)
  return { h: handle }
}
