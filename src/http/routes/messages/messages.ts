import multipart from '@fastify/multipart'
import { Type } from 'typebox'
import { callbackInfo, rotateCallbackSecret } from '../../../delivery/callback-secret.ts'
import { WahubError } from '../../../errors.ts'
import type { MessagingContext } from '../../../messaging/context.ts'
import { checkKey } from '../../../messaging/idempotency.ts'
import { markMessageRead } from '../../../messaging/mark-read.ts'
import { maxUploadBytes, uploadMedia } from '../../../messaging/media-upload.ts'
import { messageDetail, waitForAnswer } from '../../../messaging/message-view.ts'
import { retryMessage } from '../../../messaging/retry.ts'
import { SendRequestSchema } from '../../../messaging/send-request.ts'
import { queueMessage } from '../../../messaging/send-service.ts'
import { actorOfRequest, tenantIdOf } from '../../auth.ts'
import { presentUploadedMedia, UploadedMediaSchema } from '../../presenters/media.ts'
import {
  MessageDetailSchema,
  presentMessage,
  presentMessageDetail,
  presentSendAnswer,
  SendAnswerSchema,
} from '../../presenters/message.ts'
import { commonErrors, ErrorSchema, IdParams, Nullable } from '../../presenters/schema-helpers.ts'
import { routes } from '../plugin.ts'
import { sendAny, sendingTenant, sendSourceOf } from './sending-tenant.ts'

// The send API (SPEC §6): queue a message (202, or 422 with a code and a fix before Meta is
// asked), read one with its history, retry an unknown one deliberately, mark a received one
// read, upload media, and manage the callback secret. The tenant is the caller's (auth.ts).

const send = { access: { scope: 'send' } } as const
const read = { access: { scope: 'read' } } as const
const tags = ['messages']
const maxWaitSeconds = 30

export const messageRoutes = routes(async (app, deps) => {
  const { db } = deps.handle
  const ctx: MessagingContext = {
    db,
    vault: deps.vault,
    graph: deps.graph,
    config: deps.config,
    log: deps.log.child({ component: 'send' }),
    nudge: deps.sending?.nudge,
    caps: deps.handle.caps,
  }
  // Multipart only for the upload route's plugin scope (STYLE: parsers stay encapsulated).
  await app.register(multipart, { limits: { fileSize: maxUploadBytes + 1, files: 1, fields: 10 } })

  app.post(
    '/messages',
    {
      config: sendAny,
      schema: {
        tags,
        summary: 'Send a message (queued durably; 422 with a code and a fix when Meta would refuse it)',
        description:
          "Meta's message body (text, template, image/audio/video/document/sticker by id or link, location, contacts, interactive button/list/cta_url/flow, reaction; `context` to reply) plus `from`. `Idempotency-Key` makes a repeat return the first answer (24 h). `?wait=SECONDS` answers once Meta has (up to 30 s).",
        body: SendRequestSchema,
        querystring: Type.Object({
          wait: Type.Optional(
            Type.Number({
              minimum: 0,
              maximum: maxWaitSeconds,
              description: 'Seconds to wait for Meta’s answer',
            }),
          ),
        }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        response: { 200: SendAnswerSchema, 202: SendAnswerSchema, ...commonErrors, 403: ErrorSchema },
      },
    },
    async (req, reply) => {
      const tenantId = await sendingTenant(db, req, (req.body as { from?: string }).from)
      const key = req.headers['idempotency-key']
      const result = await queueMessage(ctx, {
        tenantId,
        request: req.body,
        idempotencyKey: key === undefined ? undefined : checkKey(String(key)),
        source: sendSourceOf(req),
      })
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      const wait = req.query.wait ?? 0
      if (wait <= 0) return reply.code(result.statusCode as 202).send(presentSendAnswer(result.body))
      const status = await waitForAnswer(db, result.body.id, wait * 1000)
      const detail = await messageDetail(db, tenantId, result.body.id)
      const view = presentMessage(detail.row)
      const answered = status !== 'queued' && status !== 'sending'
      return reply.code(answered ? 200 : 202).send(
        presentSendAnswer(result.body, {
          status,
          wamid: detail.row.wamid,
          error: view.error,
          statusReason: detail.statusReason,
        }),
      )
    },
  )

  app.get(
    '/messages/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One message (by Wahub id or wamid): status, status history with times, error with the fix',
        params: IdParams,
        response: { 200: MessageDetailSchema, ...commonErrors },
      },
    },
    async (req) => presentMessageDetail(await messageDetail(db, tenantIdOf(req), req.params.id)),
  )

  app.post(
    '/messages/:id/retry',
    {
      config: send,
      schema: {
        tags,
        summary: 'Send an unknown or failed message again (deliberately: it may reach the customer twice)',
        params: IdParams,
        response: { 202: MessageDetailSchema, ...commonErrors },
      },
    },
    async (req, reply) => {
      const tenantId = tenantIdOf(req)
      await retryMessage(ctx, tenantId, req.params.id, actorOfRequest(req))
      return reply.code(202).send(presentMessageDetail(await messageDetail(db, tenantId, req.params.id)))
    },
  )

  app.post(
    '/messages/:wamid/read',
    {
      config: send,
      schema: {
        tags,
        summary: 'Mark a received message (and the earlier ones of the chat) read; optionally show typing',
        params: Type.Object({ wamid: Type.String({ minLength: 1, maxLength: 200 }) }),
        body: Type.Optional(
          Type.Object(
            { typing: Type.Optional(Type.Boolean({ description: 'Show a typing indicator (up to 25 s)' })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: Type.Object({ success: Type.Boolean(), wamid: Type.String(), typing: Type.Boolean() }),
          ...commonErrors,
          429: ErrorSchema,
        },
      },
    },
    async (req) => {
      const result = await markMessageRead(ctx, deps.sending?.lanes, tenantIdOf(req), req.params.wamid, {
        typing: req.body?.typing,
      })
      return { success: true, ...result }
    },
  )

  app.post(
    '/media',
    {
      config: sendAny,
      schema: {
        tags,
        summary: 'Upload a file to Meta (multipart: file, optional from and type) → a media id to send',
        consumes: ['multipart/form-data'],
        response: { 201: UploadedMediaSchema, ...commonErrors, 413: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new WahubError(
          'unsupported_media_type',
          'Upload the file as multipart/form-data with a `file` part.',
        )
      }
      const fields: Record<string, string> = {}
      let file: { bytes: Buffer; mimetype: string; filename: string } | undefined
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') {
              await part.toBuffer()
              continue
            }
            file = { bytes: await part.toBuffer(), mimetype: part.mimetype, filename: part.filename }
          } else if (typeof part.value === 'string') fields[part.fieldname] = part.value
        }
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw new WahubError(
            'media_too_large',
            `The file is larger than ${maxUploadBytes} bytes (the largest Meta accepts).`,
            {
              limit: maxUploadBytes,
            },
          )
        }
        throw new WahubError('bad_request', `The multipart body could not be read: ${(err as Error).message}`)
      }
      if (!file) {
        throw new WahubError('validation_failed', 'The upload needs a `file` part.', [
          { field: 'file', problem: 'is required' },
        ])
      }
      const uploaded = await uploadMedia(ctx, {
        tenantId: await sendingTenant(db, req, fields.from || undefined),
        from: fields.from || undefined,
        bytes: file.bytes,
        mimeType: fields.type || file.mimetype,
        filename: file.filename || 'file',
      })
      return reply.code(201).send(presentUploadedMedia(uploaded))
    },
  )

  app.get(
    '/callbacks',
    {
      config: read,
      schema: {
        tags,
        summary:
          "Where the tenant's events are POSTed (set by an operator) and whether a signing secret exists",
        response: {
          200: Type.Object({
            url: Nullable(Type.String()),
            hasSecret: Type.Boolean(),
            signatureHeader: Type.String(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req) => ({
      ...(await callbackInfo(db, tenantIdOf(req))),
      signatureHeader: 'X-Wahub-Signature-256',
    }),
  )

  app.post(
    '/callbacks/secret',
    {
      config: send,
      schema: {
        tags,
        summary: 'Create or rotate the secret callbacks are signed with (shown once)',
        response: {
          201: Type.Object({
            secret: Type.String({ description: 'HMAC-SHA256 key of X-Wahub-Signature-256: shown only now' }),
            signatureHeader: Type.String(),
          }),
          ...commonErrors,
        },
      },
    },
    async (req, reply) => {
      const secret = await rotateCallbackSecret(db, deps.vault, tenantIdOf(req))
      return reply.code(201).send({ secret, signatureHeader: 'X-Wahub-Signature-256' })
    },
  )
})
